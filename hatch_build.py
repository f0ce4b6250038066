"""The labextension in a standard wheel only: the production build (build/labextension, written by
`npm run build:prod`) and install.json, under share/jupyter/labextensions/cellpipe. An editable install
(`make install`) leaves them out: that folder is then `jupyter labextension develop`'s link to the
development build in cellpipe/labextension, and pip would write the production files through the link."""

from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

LABEXTENSION = "share/jupyter/labextensions/cellpipe"


class LabextensionHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name == "wheel" and version == "standard":
            build_data["shared_data"]["build/labextension"] = LABEXTENSION
            build_data["shared_data"]["install.json"] = f"{LABEXTENSION}/install.json"
