/** The pencil editor's section titles, labels and hints, through the translator. */
import type { Trans } from '../run/trans';
import type { ListSection, MapSection } from './model';

export interface MapTexts {
  title: string;
  keyHint: string;
  valueHint: string;
}

export interface ListTexts {
  title: string;
  /** Per field: its label and its placeholder. */
  fields: Record<string, [string, string]>;
}

export function mapTexts(trans: Trans): Record<MapSection, MapTexts> {
  // Literal msgids, so that the strings can be extracted for translation.
  return {
    env: {
      title: trans.__('Environment variables'),
      keyHint: trans.__('NAME'),
      valueHint: trans.__('value')
    },
    limits: {
      title: trans.__('Limits'),
      keyHint: trans.__('cpu / memory'),
      valueHint: trans.__('e.g. 2Gi')
    },
    requests: {
      title: trans.__('Requests'),
      keyHint: trans.__('cpu / memory'),
      valueHint: trans.__('e.g. 500m')
    },
    labels: {
      title: trans.__('Pod labels'),
      keyHint: trans.__('key'),
      valueHint: trans.__('value')
    },
    annotations: {
      title: trans.__('Pod annotations'),
      keyHint: trans.__('key'),
      valueHint: trans.__('value')
    },
    nodeSelector: {
      title: trans.__('Node selector'),
      keyHint: trans.__('label key'),
      valueHint: trans.__('value')
    }
  };
}

export function listTexts(trans: Trans): Record<ListSection, ListTexts> {
  return {
    tolerations: {
      title: trans.__('Tolerations'),
      fields: {
        key: [trans.__('key'), trans.__('taint key')],
        operator: [trans.__('operator'), ''],
        value: [trans.__('value'), trans.__('value')],
        effect: [trans.__('effect'), ''],
        tolerationSeconds: [trans.__('seconds'), trans.__('seconds')]
      }
    },
    secrets: {
      title: trans.__('Secrets as environment variables'),
      fields: {
        envVar: [trans.__('variable'), trans.__('ENV_VAR')],
        secretName: [trans.__('secret name'), trans.__('secret name')],
        key: [trans.__('key'), trans.__('key in the secret')]
      }
    },
    secretVolumes: {
      title: trans.__('Secrets as files'),
      fields: {
        secretName: [trans.__('secret name'), trans.__('secret name')],
        mountPath: [trans.__('mount path'), trans.__('/etc/secret')]
      }
    },
    volumes: {
      title: trans.__('Volumes'),
      fields: {
        pvcName: [trans.__('claim name'), trans.__('PVC name')],
        mountPath: [trans.__('mount path'), trans.__('/data')]
      }
    }
  };
}
