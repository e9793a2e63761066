/**
 * The kiosk's small curve of the bake (no chart library: the kiosk's script budget
 * is 35 KB): one SVG polyline scaled to the readings, redrawn when they change.
 */
import type { BakeCurve } from './bread-history.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 200;
const HEIGHT = 60;

export interface Sparkline {
  readonly element: SVGSVGElement;
  draw(curve: BakeCurve): void;
}

export function breadSparkline(label: string): Sparkline {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('class', 'bread-spark');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('fill', 'none');
  line.setAttribute('stroke', '#c0392b');
  line.setAttribute('stroke-width', '2');
  line.setAttribute('vector-effect', 'non-scaling-stroke');
  svg.append(line);
  let drawn = -1;
  return {
    element: svg,
    draw(curve) {
      const n = curve.t.length;
      if (n === drawn) return;
      drawn = n;
      svg.dataset['points'] = String(n);
      if (n === 0) {
        line.setAttribute('points', '');
        return;
      }
      const t0 = curve.t[0] as number;
      const span = Math.max(1, (curve.t[n - 1] as number) - t0);
      const low = Math.min(...curve.c);
      const high = Math.max(low + 1, ...curve.c);
      const points = curve.t.map((t, i) => `${(((t - t0) / span) * WIDTH).toFixed(1)},${(HEIGHT - 2 - (((curve.c[i] as number) - low) / (high - low)) * (HEIGHT - 4)).toFixed(1)}`);
      line.setAttribute('points', points.join(' '));
    },
  };
}
