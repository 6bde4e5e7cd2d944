// The SegKit viewer: upload an image, see the outlines, move the thresholds (answered from the service's cached
// network output, without running the network again), download the results. No build step, no dependencies.
(() => {
  const $ = id => document.getElementById(id);
  const state = { file: null, result: null, generation: 0, overlayUrl: null, models: [] };

  function setStatus(text, error = false) {
    $('status').textContent = text;
    $('status').classList.toggle('error', error);
  }

  function headers(extra = {}) {
    const key = $('apiKey').value || sessionStorage.getItem('segkit-api-key') || '';
    return key ? { ...extra, 'X-Api-Key': key } : extra;
  }

  async function call(url, init = {}) {
    const response = await fetch(url, { ...init, headers: headers(init.headers || {}) });
    if (response.status === 401) {
      $('keyRow').hidden = false;
    }
    if (!response.ok) {
      let detail = response.statusText;
      try { detail = (await response.json()).detail || detail; } catch { /* not JSON */ }
      throw new Error(`${response.status}: ${detail}`);
    }
    return response;
  }

  function thresholds() {
    return new URLSearchParams({
      flowThreshold: $('flowThreshold').value,
      cellprobThreshold: $('cellprobThreshold').value,
      minSize: $('minSize').value || '0',
    });
  }

  async function loadModels() {
    try {
      const models = await (await call('/models')).json();
      state.models = models;
      $('model').replaceChildren(...models.map(m => {
        const option = document.createElement('option');
        option.value = m.name;
        option.textContent = `${m.name} (${m.kind})`;
        return option;
      }));
      if (models.some(m => m.name === 'nuclei')) {
        $('model').value = 'nuclei';
      }
      useModelDefaults();
      setStatus(models.length ? 'Choose an image.' : 'This service has no model.');
    } catch (e) {
      setStatus(`Models could not be listed: ${e.message}`, true);
    }
  }

  // A model's card may carry its own flow threshold (GET /models says which): the slider starts there.
  function useModelDefaults() {
    const model = state.models.find(m => m.name === $('model').value);
    if (model && model.flowThreshold != null) {
      $('flowThreshold').value = model.flowThreshold;
      $('flowThresholdValue').textContent = $('flowThreshold').value;
    }
  }

  async function segment() {
    if (!state.file) return;
    const generation = ++state.generation;
    const query = thresholds();
    query.set('model', $('model').value);
    query.set('name', state.file.name);
    if (!$('autoDiameter').checked) query.set('diameter', $('diameter').value);
    setStatus(`Segmenting ${state.file.name}...`);
    try {
      const response = await call(`/segment?${query}`, {
        method: 'POST',
        body: state.file,
        headers: { 'Content-Type': state.file.type || 'application/octet-stream' },
      });
      const result = await response.json();
      if (generation === state.generation) await show(result);
    } catch (e) {
      if (generation === state.generation) setStatus(e.message, true);
    }
  }

  async function rethreshold() {
    if (!state.result || !state.result.links.masks) return segment();
    const generation = ++state.generation;
    try {
      const response = await call(`${state.result.links.masks}?${thresholds()}`, { method: 'POST' });
      const result = await response.json();
      if (generation === state.generation) await show(result);
    } catch (e) {
      if (generation !== state.generation) return;
      // An expired result: run the whole segmentation again.
      if (e.message.startsWith('404')) return segment();
      setStatus(e.message, true);
    }
  }

  async function show(result) {
    state.result = result;
    const blob = await (await call(result.links.overlay)).blob();
    if (state.overlayUrl) URL.revokeObjectURL(state.overlayUrl);
    state.overlayUrl = URL.createObjectURL(blob);
    $('overlay').src = state.overlayUrl;
    $('count').textContent = String(result.objectCount);
    $('timing').textContent = `in ${result.timing.totalSeconds.toFixed(2)} s` + (result.diameter ? `, diameter ${result.diameter} px` : '');
    if ($('autoDiameter').checked && result.diameter) {
      $('diameter').value = String(Math.round(result.diameter));
    }
    $('diameterValue').textContent = $('autoDiameter').checked ? 'auto' : $('diameter').value;
    const rows = result.objects.slice(0, 1000).map(o => {
      const row = document.createElement('tr');
      for (const value of [o.label, o.area, o.centroidY.toFixed(1), o.centroidX.toFixed(1), o.equivalentDiameter.toFixed(1), o.meanIntensity.toFixed(1)]) {
        const cell = document.createElement('td');
        cell.textContent = String(value);
        row.appendChild(cell);
      }
      return row;
    });
    $('objects').replaceChildren(...rows);
    $('downloads').hidden = false;
    setStatus(`${result.image}: ${result.objectCount} objects (${result.model}).`);
  }

  async function download(link, fallbackName) {
    try {
      const response = await call(link);
      const disposition = response.headers.get('Content-Disposition') || '';
      const match = /filename="?([^";]+)"?/.exec(disposition);
      const anchor = document.createElement('a');
      anchor.href = URL.createObjectURL(await response.blob());
      anchor.download = match ? match[1] : fallbackName;
      document.body.appendChild(anchor);
      anchor.click();
      anchor.remove();
    } catch (e) {
      setStatus(`Download failed: ${e.message}`, true);
    }
  }

  function debounce(action, ms) {
    let timer;
    return () => { clearTimeout(timer); timer = setTimeout(action, ms); };
  }

  function choose(file) {
    if (!file) return;
    state.file = file;
    state.result = null;
    segment();
  }

  const retune = debounce(rethreshold, 150);
  for (const id of ['flowThreshold', 'cellprobThreshold']) {
    $(id).addEventListener('input', () => { $(`${id}Value`).textContent = $(id).value; retune(); });
  }
  $('minSize').addEventListener('change', retune);
  $('diameter').addEventListener('input', () => { $('diameterValue').textContent = $('diameter').value; });
  $('diameter').addEventListener('change', segment);
  $('autoDiameter').addEventListener('change', () => { $('diameter').disabled = $('autoDiameter').checked; segment(); });
  $('model').addEventListener('change', () => { useModelDefaults(); segment(); });
  $('apiKey').addEventListener('change', () => { sessionStorage.setItem('segkit-api-key', $('apiKey').value); loadModels(); });
  $('file').addEventListener('change', () => choose($('file').files[0]));
  const drop = $('drop');
  drop.addEventListener('dragover', e => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', e => { e.preventDefault(); drop.classList.remove('over'); choose(e.dataTransfer.files[0]); });
  $('download-labels-tif').addEventListener('click', () => download(state.result.links.labelsTiff, 'masks.tif'));
  $('download-labels-png').addEventListener('click', () => download(state.result.links.labels, 'masks.png'));
  $('download-overlay').addEventListener('click', () => download(state.result.links.overlay, 'overlay.png'));
  $('download-objects').addEventListener('click', () => download(state.result.links.objects, 'objects.csv'));
  loadModels();
})();
