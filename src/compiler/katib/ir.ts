/** The parts of a compiled PipelineSpec (and its platform spec) the Katib trial reads. */
export interface IrTask {
  componentRef?: { name?: string };
  dependentTasks?: string[];
  inputs?: {
    artifacts?: Record<
      string,
      { taskOutputArtifact?: { producerTask: string; outputArtifactKey: string } }
    >;
    parameters?: Record<string, { componentInputParameter?: string }>;
  };
}

export interface IrComponent {
  executorLabel?: string;
  outputDefinitions?: { artifacts?: Record<string, { artifactType?: { schemaTitle?: string } }> };
}

export interface IrResources {
  resourceCpuRequest?: string;
  resourceMemoryRequest?: string;
  resourceCpuLimit?: string;
  resourceMemoryLimit?: string;
  accelerator?: { resourceCount?: string; resourceType?: string };
}

export interface IrSpec {
  pipelineInfo?: { name?: string };
  root?: {
    dag?: { tasks?: Record<string, IrTask> };
    inputDefinitions?: {
      parameters?: Record<string, { parameterType: string; defaultValue?: unknown }>;
    };
  };
  components?: Record<string, IrComponent>;
  deploymentSpec?: {
    executors?: Record<string, { container?: { image?: string; resources?: IrResources } }>;
  };
}

export interface IrPlatform {
  platforms?: {
    kubernetes?: {
      deploymentSpec?: {
        executors?: Record<string, { nodeSelector?: { labels?: Record<string, string> } }>;
      };
    };
  };
}
