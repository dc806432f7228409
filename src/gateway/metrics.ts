// The registry moved to src/metrics/ (it is the container's, for every process); kept for the gateway's imports.
export { createMetrics, type Metrics } from '../metrics/metrics.registry';
