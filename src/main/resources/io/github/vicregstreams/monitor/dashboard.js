// The learner's dashboard: polls api/series and api/scatter and draws on canvases.
// No libraries, no network access beyond the learner itself.
'use strict';
(function () {
  const POLL_MS = 2000;
  const SERIES_LIMIT = 1000;
  // Tableau 10: distinguishable, colour-blind friendly.
  const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f',
                   '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
  const UNLABELLED = '#9aa0aa';

  const LINE_CHARTS = [
    {id: 'chart-loss', lines: [{key: 'loss', name: 'loss', color: PALETTE[0]}]},
    {id: 'chart-invariance', lines: [{key: 'invariance', name: 'invariance', color: PALETTE[1]}]},
    {id: 'chart-variance', lines: [{key: 'variance', name: 'variance', color: PALETTE[4]}]},
    {id: 'chart-covariance', lines: [{key: 'covariance', name: 'covariance', color: PALETTE[6]}]},
    {id: 'chart-std', reference: 1, lines: [
      {key: 'stdMin', name: 'min', color: PALETTE[2]},
      {key: 'stdMean', name: 'mean', color: PALETTE[0]}]},
    {id: 'chart-throughput', lines: [{key: 'pairsPerSecond', name: 'pairs/s', color: PALETTE[3]}]},
  ];

  let updates = 0;

  /** "v2", "v2 · backfilling v3: 1200/6000", or "–" with versions off (or elsewhere). */
  function versionText(v) {
    if (v.served === null || v.served === undefined) return '–';
    const served = v.served > 0 ? 'v' + v.served : 'none served';
    if (!v.backfilling) return served;
    return served + ' · backfilling v' + v.backfilling + ': ' + v.itemsDone + '/' + v.items;
  }

  function $(id) { return document.getElementById(id); }

  /** Sizes the canvas to its CSS box at the device's pixel ratio; returns a 2-D context. */
  function prepare(canvas) {
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth || 300;
    const height = canvas.clientHeight || 150;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    const ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    ctx.font = '11px system-ui, "Liberation Sans", sans-serif';
    return {ctx, width, height};
  }

  /** About `count` round tick values covering [min, max]. */
  function ticks(min, max, count) {
    if (!(max > min)) {
      return [min];
    }
    const raw = (max - min) / count;
    const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map(m => m * magnitude).find(s => s >= raw) || raw;
    const out = [];
    for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) {
      out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
    }
    return out;
  }

  function format(v) {
    if (v === null || v === undefined || !isFinite(v)) {
      return '–';
    }
    const a = Math.abs(v);
    if (a !== 0 && (a >= 1e5 || a < 1e-3)) {
      return v.toExponential(2);
    }
    if (Number.isInteger(v)) {
      return String(v);
    }
    return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toFixed(3);
  }

  function extent(values, extra) {
    let min = Infinity;
    let max = -Infinity;
    for (const v of values.concat(extra || [])) {
      if (v !== null && isFinite(v)) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    if (min === Infinity) {
      return null;
    }
    if (min === max) {
      const pad = Math.abs(min) * 0.1 || 1;
      return [min - pad, max + pad];
    }
    const pad = (max - min) * 0.05;
    return [min - pad, max + pad];
  }

  /** Draws lines over a shared x; returns the number of finite points drawn. */
  function drawLines(canvas, xs, lines, reference) {
    const {ctx, width, height} = prepare(canvas);
    const left = 52, right = 10, top = 8, bottom = 22;
    const plotW = width - left - right;
    const plotH = height - top - bottom;
    const all = [].concat(...lines.map(l => l.values));
    const yRange = extent(all, reference === undefined ? [] : [reference]);
    const xRange = extent(xs);
    ctx.strokeStyle = '#e3e6ec';
    ctx.fillStyle = '#6b7385';
    ctx.lineWidth = 1;
    ctx.strokeRect(left + 0.5, top + 0.5, plotW, plotH);
    if (!yRange || !xRange) {
      ctx.textAlign = 'center';
      ctx.fillText('no data yet', left + plotW / 2, top + plotH / 2);
      return 0;
    }
    const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
    const sx = x => left + (x1 > x0 ? (x - x0) / (x1 - x0) : 0.5) * plotW;
    const sy = y => top + (1 - (y - yRange[0]) / (yRange[1] - yRange[0])) * plotH;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const t of ticks(yRange[0], yRange[1], 4)) {
      const y = Math.round(sy(t)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(left, y);
      ctx.lineTo(left + plotW, y);
      ctx.stroke();
      ctx.fillText(format(t), left - 6, y);
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const t of ticks(x0, x1, 5)) {
      if (Number.isInteger(t) || x1 - x0 < 5) {
        ctx.fillText(format(t), sx(t), top + plotH + 5);
      }
    }
    if (reference !== undefined) {
      ctx.save();
      ctx.setLineDash([4, 4]);
      ctx.strokeStyle = '#9aa0aa';
      ctx.beginPath();
      ctx.moveTo(left, sy(reference));
      ctx.lineTo(left + plotW, sy(reference));
      ctx.stroke();
      ctx.restore();
    }
    let drawn = 0;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, plotW, plotH);
    ctx.clip();
    for (const line of lines) {
      ctx.strokeStyle = line.color;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      let pen = false;
      line.values.forEach((v, i) => {
        if (v === null || !isFinite(v)) {
          pen = false; // a gap for a skipped (non-finite) step
          return;
        }
        drawn++;
        if (pen) {
          ctx.lineTo(sx(xs[i]), sy(v));
        } else {
          ctx.moveTo(sx(xs[i]), sy(v));
          pen = true;
        }
      });
      if (line.values.length === 1) {
        ctx.arc(sx(xs[0]), sy(line.values[0]), 2, 0, 2 * Math.PI);
      }
      ctx.stroke();
    }
    ctx.restore();
    if (lines.length > 1) {
      ctx.textAlign = 'left';
      ctx.textBaseline = 'top';
      let x = left + 8;
      for (const line of lines) {
        ctx.fillStyle = line.color;
        ctx.fillRect(x, top + 6, 10, 3);
        ctx.fillStyle = '#1d2330';
        ctx.fillText(line.name, x + 14, top + 2);
        x += 22 + ctx.measureText(line.name).width;
      }
    }
    return drawn;
  }

  function colour(index) {
    return index < 0 ? UNLABELLED : PALETTE[index % PALETTE.length];
  }

  function drawScatter(canvas, data) {
    const {ctx, width, height} = prepare(canvas);
    const pad = 16;
    ctx.strokeStyle = '#e3e6ec';
    ctx.strokeRect(0.5, 0.5, width - 1, height - 1);
    const points = data.points || [];
    if (points.length === 0) {
      ctx.fillStyle = '#6b7385';
      ctx.textAlign = 'center';
      ctx.fillText('no embeddings yet', width / 2, height / 2);
      return 0;
    }
    const xr = extent(points.map(p => p[0]));
    const yr = extent(points.map(p => p[1]));
    // Same scale on both axes: distances in the plot are distances between embeddings.
    const scale = Math.min((width - 2 * pad) / (xr[1] - xr[0]), (height - 2 * pad) / (yr[1] - yr[0]));
    const cx = (xr[0] + xr[1]) / 2;
    const cy = (yr[0] + yr[1]) / 2;
    ctx.strokeStyle = '#eef0f4';
    ctx.beginPath();
    ctx.moveTo(width / 2 - cx * scale, 0);
    ctx.lineTo(width / 2 - cx * scale, height);
    ctx.moveTo(0, height / 2 + cy * scale);
    ctx.lineTo(width, height / 2 + cy * scale);
    ctx.stroke();
    ctx.globalAlpha = 0.75;
    points.forEach(p => {
      ctx.fillStyle = colour(p[2]);
      ctx.beginPath();
      ctx.arc(width / 2 + (p[0] - cx) * scale, height / 2 - (p[1] - cy) * scale, 2.6, 0, 2 * Math.PI);
      ctx.fill();
    });
    ctx.globalAlpha = 1;
    return points.length;
  }

  function legend(data) {
    const box = $('legend');
    box.replaceChildren();
    const labels = data.labels || [];
    const shown = labels.slice(0, 30);
    shown.forEach((label, i) => {
      const item = document.createElement('span');
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = colour(i);
      item.append(swatch, document.createTextNode(label));
      box.append(item);
    });
    if ((data.points || []).some(p => p[2] < 0)) {
      const item = document.createElement('span');
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = UNLABELLED;
      item.append(swatch, document.createTextNode('no ' + data.field));
      box.append(item);
    }
    if (labels.length > shown.length) {
      box.append(document.createTextNode('… ' + (labels.length - shown.length) + ' more'));
    }
  }

  function setPoints(id, n) {
    $(id).dataset.points = String(n);
  }

  function renderSeries(body) {
    const s = body.series;
    for (const chart of LINE_CHARTS) {
      const figure = $(chart.id);
      const lines = chart.lines.map(l => ({name: l.name, color: l.color, values: s[l.key]}));
      setPoints(chart.id, drawLines(figure.querySelector('canvas'), s.step, lines, chart.reference));
    }
    const rank = body.rank;
    setPoints('chart-rank', drawLines($('chart-rank').querySelector('canvas'), rank.step,
        [{name: 'effective rank', color: PALETTE[8], values: rank.value}]));
    renderSummary(body.summary, s);
  }

  function renderSummary(summary, s) {
    const status = $('status');
    status.dataset.state = summary.status;
    status.textContent = summary.status + (summary.reason ? ': ' + summary.reason : '')
        + ' · Kafka Streams ' + summary.streamsState;
    const last = s.step.length - 1;
    $('card-step').textContent = summary.step === null ? '–' : String(summary.step);
    $('card-loss').textContent = last < 0 ? '–' : format(s.loss[last]);
    $('card-throughput').textContent = last < 0 ? '–' : format(s.pairsPerSecond[last]);
    $('card-rank').textContent = format(summary.effectiveRank);
    $('card-checkpoint').textContent = summary.checkpointStep === null ? '–'
        : summary.checkpointStep + ' (' + Math.round(summary.checkpointAgeSeconds) + ' s ago)';
    $('card-skipped').textContent = String(summary.skippedSteps);
    const dead = Object.values(summary.deadLetters || {}).reduce((a, b) => a + b, 0);
    $('card-dead').textContent = format(dead);
    $('card-dead').title = Object.entries(summary.deadLetters || {})
        .map(([reason, n]) => reason + ': ' + n).join('\n');
    $('card-lag').textContent = format(summary.lagMax);
    $('card-version').textContent = versionText(summary.versions || {});
    const banner = $('collapse');
    const collapse = summary.collapse || {warning: false, reasons: []};
    banner.hidden = !collapse.warning;
    banner.textContent = collapse.warning ? 'Collapse warning: ' + collapse.reasons.join('; ') : '';
  }

  function renderScatter(data) {
    setPoints('chart-scatter', drawScatter($('chart-scatter').querySelector('canvas'), data));
    legend(data);
    const info = [];
    if (data.count) {
      info.push(data.count + ' embeddings of dim ' + data.dimension);
      if (data.explainedVariance) {
        info.push('PC1 ' + (100 * data.explainedVariance[0]).toFixed(0) + '%, PC2 '
            + (100 * data.explainedVariance[1]).toFixed(0) + '% of variance');
      }
      info.push('steps ' + data.minModelStep + '–' + data.maxModelStep);
      info.push('coloured by ' + data.field);
    }
    $('scatter-info').textContent = info.join(' · ');
  }

  async function getJson(path) {
    const response = await fetch(path, {cache: 'no-store'});
    if (!response.ok) {
      throw new Error(path + ': HTTP ' + response.status);
    }
    return response.json();
  }

  async function poll() {
    try {
      const [series, scatter] = await Promise.all([
        getJson('api/series?limit=' + SERIES_LIMIT), getJson('api/scatter')]);
      renderSeries(series);
      renderScatter(scatter);
      updates++;
      document.body.dataset.updates = String(updates);
      $('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
    } catch (e) {
      const status = $('status');
      status.dataset.state = 'error';
      status.textContent = 'cannot reach the learner: ' + e.message;
    } finally {
      setTimeout(poll, POLL_MS);
    }
  }

  poll();
})();
