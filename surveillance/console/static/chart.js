// The signal page's chart: the series as bars (the signal's own period in red) against the threshold
// (dashed) and the expected value (dotted); hovering a bar shows its value. No library, no network.
(function () {
  "use strict";
  var box = document.getElementById("chart");
  var source = document.getElementById("chart-data");
  if (!box || !source) { return; }
  var data = JSON.parse(source.textContent);
  var values = data.values || [];
  if (!values.length) { box.textContent = "无序列数据"; return; }
  var NS = "http://www.w3.org/2000/svg";
  var W = 800, H = 260, left = 44, right = 12, top = 12, bottom = 40;
  var refs = [data.threshold, data.expected].filter(function (v) { return v !== null && v !== undefined; });
  var max = Math.max.apply(null, values.concat(refs).concat([1])) * 1.1;
  var step = (W - left - right) / values.length;
  var figures = data.kind === "figures";  // a signal without a series: its observed value beside the expected and threshold
  var current = figures ? 0 : values.length - 1;
  function y(v) { return top + (H - top - bottom) * (1 - v / max); }
  function el(name, attrs, text) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  var svg = el("svg", { viewBox: "0 0 " + W + " " + H, role: "img" });
  for (var t = 0; t <= 4; t++) {
    var v = max * t / 4;
    svg.appendChild(el("line", { x1: left, x2: W - right, y1: y(v), y2: y(v), stroke: "#eee" }));
    svg.appendChild(el("text", { x: left - 4, y: y(v) + 4, "text-anchor": "end" }, v.toPrecision(3).replace(/\.?0+$/, "")));
  }
  var tip = document.createElement("div");
  tip.className = "tip";
  tip.style.display = "none";
  values.forEach(function (value, i) {
    var bar = el("rect", { x: left + i * step + step * 0.1, y: y(value), width: step * 0.8, height: Math.max(0, y(0) - y(value)),
                           "class": "bar" + (i === current ? " last" : ""), "data-label": data.labels[i], "data-value": value });
    bar.appendChild(el("title", {}, data.labels[i] + "：" + value));
    bar.addEventListener("mouseenter", function () {
      bar.classList.add("hover");
      tip.textContent = data.labels[i] + "：" + value + (data.unit ? " " + data.unit : "");
      tip.style.left = (100 * (left + i * step) / W) + "%";
      tip.style.top = "0px";
      tip.style.display = "block";
    });
    bar.addEventListener("mouseleave", function () { bar.classList.remove("hover"); tip.style.display = "none"; });
    svg.appendChild(bar);
    var every = Math.max(1, Math.ceil(values.length / 8));
    if (i % every === 0 || i === values.length - 1) {
      svg.appendChild(el("text", { x: left + i * step + step / 2, y: H - bottom + 14, "text-anchor": "middle" }, data.labels[i]));
    }
  });
  var last = left + (values.length - 1) * step;
  [["threshold", data.threshold, "阈值"], ["expected", data.expected, "期望值"]].forEach(function (ref) {
    if (ref[1] === null || ref[1] === undefined) { return; }
    svg.appendChild(el("line", { x1: last, x2: last + step, y1: y(ref[1]), y2: y(ref[1]), "class": ref[0] }));
    svg.appendChild(el("text", { x: last - 4, y: y(ref[1]) - 3, "text-anchor": "end" }, ref[2] + " " + Number(ref[1]).toPrecision(3)));
  });
  svg.appendChild(el("text", { x: left, y: H - 6, id: "chart-legend" }, figures ? "红色为本期观测值，灰色为期望值和预警阈值"
    : "灰色为历史各期，红色为本期" + (refs.length ? "；虚线为预警阈值，点线为期望值" : "")));
  box.appendChild(svg);
  box.appendChild(tip);
}());
