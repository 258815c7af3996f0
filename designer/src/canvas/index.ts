export {
  Chart,
  READABLE_ZOOM,
  type ChartProps,
  type ChartSelection,
  type Overlay,
  type ChartApi,
  type MenuTarget,
} from './Chart';
export { useChartLayout, QUICK_FIRST, type ChartLayout } from './useLayout';
export { warmElk } from './elk';
