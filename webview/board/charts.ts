/**
 * The dashboard's two kinds of plot, as SVG at the page's own text size: labelled horizontal bars
 * (counts by status, by priority) and columns over an axis (completions per day, complexity scores).
 * Every bar carries its number as text, and the SVG an aria-label that reads the data out.
 */
import { svg } from './dom';

export interface Bar {
  label: string;
  value: number;
  /** Colours the bar (e.g. `status-done`); the label says the same in words. */
  className?: string;
}

const LABEL_WIDTH = 110;
const BAR_SPACE = 200;
const VALUE_WIDTH = 48;
const ROW_HEIGHT = 24;

export function horizontalBars(bars: Bar[], title: string): SVGSVGElement {
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const width = LABEL_WIDTH + BAR_SPACE + VALUE_WIDTH;
  const height = bars.length * ROW_HEIGHT;
  return svg(
    'svg',
    { class: 'chart', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `${title}: ${bars.map((bar) => `${bar.label} ${bar.value}`).join(', ')}` },
    ...bars.map((bar, index) => {
      const y = index * ROW_HEIGHT;
      const length = Math.max(bar.value ? 2 : 0, (bar.value / max) * BAR_SPACE);
      return svg(
        'g',
        { 'data-bar': bar.label },
        svg('text', { class: 'chart-label', x: 0, y: y + 16 }, bar.label),
        svg('rect', { class: `chart-bar ${bar.className ?? ''}`, x: LABEL_WIDTH, y: y + 4, width: length, height: ROW_HEIGHT - 8, rx: 2 }),
        svg('text', { class: 'chart-value', x: LABEL_WIDTH + length + 6, y: y + 16 }, bar.value),
      );
    }),
  );
}

export interface ColumnChartOptions {
  title: string;
  /** Which column labels to write under the axis (all of them would overlap on a long series). */
  showLabel(index: number, count: number): boolean;
}

const PLOT_HEIGHT = 120;
const AXIS_SPACE = 22;
const SCALE_WIDTH = 28;

const CHARACTER_WIDTH = 7;

/** A column's label under the axis. The first and last, when wider than their column, align
 *  inwards so they stay inside the plot. */
function axisLabel(label: string, x: number, step: number, index: number, count: number, y: number): SVGTextElement {
  const wide = label.length * CHARACTER_WIDTH > step && count > 1;
  if (wide && index === 0) return svg('text', { class: 'chart-label', x, y, 'text-anchor': 'start' }, label);
  if (wide && index === count - 1) return svg('text', { class: 'chart-label', x: x + step, y, 'text-anchor': 'end' }, label);
  return svg('text', { class: 'chart-label', x: x + step / 2, y, 'text-anchor': 'middle' }, label);
}

export function columnChart(columns: Bar[], options: ColumnChartOptions): SVGSVGElement {
  const max = Math.max(1, ...columns.map((column) => column.value));
  // Fits a dashboard panel: wide columns for a few values, thin ones for a long series.
  const step = Math.max(6, Math.min(32, 330 / Math.max(1, columns.length)));
  const width = SCALE_WIDTH + columns.length * step + 8;
  const height = PLOT_HEIGHT + AXIS_SPACE + 8;
  const top = 8;
  return svg(
    'svg',
    { class: 'chart', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `${options.title}: ${columns.map((column) => `${column.label} ${column.value}`).join(', ')}` },
    svg('text', { class: 'chart-scale', x: SCALE_WIDTH - 6, y: top + 10, 'text-anchor': 'end' }, max),
    svg('text', { class: 'chart-scale', x: SCALE_WIDTH - 6, y: top + PLOT_HEIGHT, 'text-anchor': 'end' }, 0),
    svg('line', { class: 'chart-axis', x1: SCALE_WIDTH, x2: width, y1: top + PLOT_HEIGHT + 0.5, y2: top + PLOT_HEIGHT + 0.5 }),
    ...columns.map((column, index) => {
      const barHeight = (column.value / max) * PLOT_HEIGHT;
      const x = SCALE_WIDTH + index * step;
      return svg(
        'g',
        { 'data-bar': column.label },
        svg('title', {}, `${column.label}: ${column.value}`),
        svg('rect', { class: `chart-bar ${column.className ?? ''}`, x: x + 2, y: top + PLOT_HEIGHT - barHeight, width: step - 4, height: barHeight, rx: 1 }),
        options.showLabel(index, columns.length) && axisLabel(column.label, x, step, index, columns.length, top + PLOT_HEIGHT + 16),
      );
    }),
  );
}
