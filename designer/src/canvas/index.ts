export { Chart, type ChartProps, type ChartSelection, type Overlay } from './Chart';
export { useChartLayout, QUICK_FIRST, type ChartLayout } from './useLayout';
export { warmElk } from './elk';
