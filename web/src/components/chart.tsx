// A uPlot chart as a component: built once per data change, resized with its container.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export function Chart({ options, data, label }: { options: Omit<uPlot.Options, 'width' | 'height'> & { height?: number }; data: uPlot.AlignedData; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const plot = new uPlot({ ...options, width: Math.max(300, el.clientWidth), height: options.height ?? 240 }, data, el);
    const observer = new ResizeObserver(() => plot.setSize({ width: Math.max(300, el.clientWidth), height: options.height ?? 240 }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [options, data]);
  return <div class="chart" ref={box} role="img" aria-label={label} />;
}

/** Bars for a categorical x axis (uPlot draws lines by default). */
export function barPaths(): uPlot.Series.PathBuilder {
  return uPlot.paths.bars?.({ size: [0.6, 80] }) as uPlot.Series.PathBuilder;
}
