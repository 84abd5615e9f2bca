export { USAGE_COLUMNS, LOAD_COLUMNS, usageHeader, formatUsageRow, loadHeader, formatLoadRow, parseUsageCsv, parseLoadCsv, type UsageRow, type LoadRow } from './csv';
export { sampleUsage } from './sample';
export { recommendRecipe, type Recipe, type RecipeOptions, type StageUsage } from './recommend';
export { recipeHtml, svgChart } from './report-html';
