/** Options of `nx g @autoscaler/workspace-plugin:provider` (mirrors schema.json). */
export interface ProviderGeneratorSchema {
  name: string;
  title?: string;
}
