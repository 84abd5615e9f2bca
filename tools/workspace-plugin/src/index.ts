/** @autoscaler/workspace-plugin: Nx generators for this workspace. */
export { providerGenerator, providerNames, PROVIDER_NAME, type ProviderNames } from './generators/provider/provider';
export type { ProviderGeneratorSchema } from './generators/provider/schema';
