// ---- paint: work that waits for the map's first frame ---------------------------------
// requestAnimationFrame alone is not enough: Chromium runs it before a first frame that it
// then defers, so wait for the paint timing entry (or at most a second, for a browser
// without paint timing or a page that is not painted, such as a background tab).
// a.paintWaiters: null before the first call, a list while waiting, false once painted.
function afterFirstPaint(a, fn) {
  if (a.paintWaiters === false) return setTimeout(fn, 0);
  if (a.paintWaiters) return a.paintWaiters.push(fn);
  a.paintWaiters = [fn];
  function go() {
    if (!a.paintWaiters) return;
    var waiting = a.paintWaiters;
    a.paintWaiters = false;
    a.page.timings.first_paint = performance.now();
    waiting.forEach(function (f) { setTimeout(f, 0); });
  }
  var types = (window.PerformanceObserver && PerformanceObserver.supportedEntryTypes) || [];
  if (types.indexOf("paint") >= 0) {
    new PerformanceObserver(function (list, observer) { observer.disconnect(); go(); })
      .observe({ type: "paint", buffered: true });
  }
  setTimeout(go, 1000);
}
