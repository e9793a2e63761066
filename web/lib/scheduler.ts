/**
 * Coalesces renders: however many messages arrive, `render` runs at most once per
 * animation frame, with the latest state. (A hidden tab gets no frames; it renders
 * when it is shown again.)
 */
export function renderScheduler(render: () => void): () => void {
  let queued = false;
  const frame = () => {
    queued = false;
    render();
  };
  return () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(frame);
  };
}
