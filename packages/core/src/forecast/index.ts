export { Forecaster, forecastLoad, forecastLookbackSeconds, FORECAST_LIMITS } from './forecaster';
