export { Chart, type ChartProps, type ChartSelection, type Overlay } from './Chart';
export { useChartLayout, type ChartLayout } from './useLayout';
