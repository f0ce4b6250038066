"""Item 5 of issue 13: the local store stays inside the server's root, and a posted path creates no folders."""

import os

import pytest

from cellpipe.local.runner import RunError
from cellpipe.local.service import LocalRunService


@pytest.fixture
def root(tmp_path):
    (tmp_path / "root" / "work").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    return tmp_path / "root"


def test_a_symlinked_store_pointing_out_is_refused(root, tmp_path):
    (root / "work" / ".cellpipe").symlink_to(tmp_path / "outside")
    with pytest.raises(RunError, match=r"'work/\.cellpipe' is a link to .*outside the server's root"):
        LocalRunService(str(root)).store_for("work/pipeline.ipynb")
    assert os.listdir(tmp_path / "outside") == []


def test_a_dangling_symlinked_store_is_refused(root, tmp_path):
    (root / "work" / ".cellpipe").symlink_to(tmp_path / "not-yet")
    with pytest.raises(RunError, match="outside the server's root"):
        LocalRunService(str(root)).store_for("work/pipeline.ipynb")
    assert not (tmp_path / "not-yet").exists()


@pytest.mark.parametrize("inner", ["cache", "runs"])
def test_a_symlink_inside_the_store_pointing_out_is_refused(root, tmp_path, inner):
    (root / "work" / ".cellpipe").mkdir()
    (root / "work" / ".cellpipe" / inner).symlink_to(tmp_path / "outside")
    with pytest.raises(RunError, match=rf"'work/\.cellpipe/{inner}' is a link"):
        LocalRunService(str(root)).store_for("work/pipeline.ipynb")


def test_a_symlinked_store_inside_the_root_is_fine(root):
    (root / "shared-store").mkdir()
    (root / "work" / ".cellpipe").symlink_to(root / "shared-store")
    assert LocalRunService(str(root)).store_for("work/pipeline.ipynb") == str(root / "work" / ".cellpipe")


def tiny_package(tmp_path) -> str:
    from kfp import compiler, dsl

    @dsl.container_component
    def noop():
        return dsl.ContainerSpec(image="python:3.11", command=["true"])

    @dsl.pipeline(name="tiny")
    def pipe():
        noop()

    compiler.Compiler().compile(pipe, str(tmp_path / "tiny.yaml"))
    return (tmp_path / "tiny.yaml").read_text()


def test_a_notebook_path_of_new_folders_creates_nothing(root, tmp_path):
    service = LocalRunService(str(root))
    with pytest.raises(RunError, match=r"'new/deeper/x\.ipynb': its folder does not exist"):
        service.store_for("new/deeper/x.ipynb")
    assert not (root / "new").exists()
    with pytest.raises(RunError, match="its folder does not exist"):
        service.start(tiny_package(tmp_path), notebook_path="new/x.ipynb")
    assert sorted(os.listdir(root)) == ["work"]


def test_the_store_of_an_existing_folder_is_made(root):
    store = LocalRunService(str(root)).store_for("work/pipeline.ipynb")
    assert store == str(root / "work" / ".cellpipe") and os.path.isdir(store)


def test_a_read_only_notebook_folder_is_a_clear_error_not_a_crash(root, monkeypatch):
    """A Jupyter user who may not write the notebook's folder (EACCES/EROFS from mkdir): a named refusal."""
    import errno

    real_mkdir = os.mkdir

    def read_only(path, *args, **kwargs):
        if str(path).startswith(str(root)):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", read_only)
    with pytest.raises(RunError) as err:
        LocalRunService(str(root)).store_for("work/pipeline.ipynb")
    assert str(err.value) == (
        "cannot create the local run store 'work/.cellpipe' beside the notebook (Permission denied): "
        "local runs keep their results there, so the notebook's folder must be writable"
    )


def test_a_store_that_is_a_file_is_a_clear_error(root):
    (root / "work" / ".cellpipe").write_text("not a folder")
    with pytest.raises(RunError, match=r"'work/\.cellpipe' beside the notebook is not a folder"):
        LocalRunService(str(root)).store_for("work/pipeline.ipynb")
