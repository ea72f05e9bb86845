// The live page: submits reviews to POST /reviews and follows GET /reviews/stream. The stream is read with
// fetch() rather than EventSource because EventSource cannot send the X-API-Key header.
(function () {
  'use strict';

  const FEED_SIZE = 50;
  const RECENT_IDS = 1000;
  const RECONNECT_MS = 2000;

  const $ = (id) => document.getElementById(id);
  const statusLine = $('stream-status');
  const result = $('result');
  const keyInput = $('api-key');
  const keyHelp = $('key-help');
  const mix = { POSITIVE: 0, NEGATIVE: 0 };
  // Results seen recently by id, so a label that arrives before the 202 answer is read still matches.
  const recent = new Map();
  let pendingId = null;
  let streamAbort = null;
  let retryTimer = null;

  function headers(extra) {
    const h = Object.assign({}, extra || {});
    const key = keyInput.value.trim();
    if (key) {
      h['X-API-Key'] = key;
    }
    return h;
  }

  function setStatus(state, text) {
    statusLine.dataset.state = state;
    statusLine.textContent = text;
  }

  function needKey(what) {
    keyHelp.classList.add('needed');
    keyHelp.textContent = 'This service requires an API key for ' + what + ': enter one in the API key field '
        + '(sent as the X-API-Key header).';
  }

  function showResult(review) {
    result.className = 'result done';
    result.dataset.id = review.id;
    result.dataset.label = review.label;
    result.textContent = '';
    const label = document.createElement('span');
    label.className = review.label;
    label.id = 'result-label';
    label.textContent = review.label;
    result.append('Review ', code(review.id), ' is ', label,
        ' (P(positive) ' + review.score.toFixed(3) + ', ' + review.model + ' v' + review.modelVersion + ', '
        + review.lang + ')');
  }

  function code(text) {
    const c = document.createElement('code');
    c.textContent = text;
    return c;
  }

  function onLabeled(review) {
    recent.set(review.id, review);
    if (recent.size > RECENT_IDS) {
      recent.delete(recent.keys().next().value);
    }
    if (review.label in mix) {
      mix[review.label]++;
    }
    const total = mix.POSITIVE + mix.NEGATIVE;
    $('mix-positive').textContent = mix.POSITIVE;
    $('mix-negative').textContent = mix.NEGATIVE;
    $('mix-total').textContent = total;
    const bar = document.querySelector('.mix-bar');
    bar.classList.toggle('empty', total === 0);
    $('mix-positive-bar').style.width = (total ? 100 * mix.POSITIVE / total : 0) + '%';

    const li = document.createElement('li');
    li.dataset.id = review.id;
    if (review.id === pendingId) {
      li.className = 'mine';
    }
    const label = document.createElement('span');
    label.className = review.label;
    label.textContent = review.label;
    const lang = document.createElement('span');
    lang.className = 'lang';
    lang.textContent = review.lang;
    const text = document.createElement('span');
    text.className = 'text';
    text.title = review.id;
    text.textContent = review.text;
    li.append(label, lang, text);
    const feed = $('feed');
    feed.prepend(li);
    while (feed.children.length > FEED_SIZE) {
      feed.lastElementChild.remove();
    }
    if (review.id === pendingId) {
      pendingId = null;
      showResult(review);
    }
  }

  // One SSE event (the lines between two blank lines) to its fields.
  function dispatch(block) {
    let event = 'message';
    const data = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) {
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) {
        value = value.slice(1);
      }
      if (field === 'event') {
        event = value;
      } else if (field === 'data') {
        data.push(value);
      }
    }
    if (data.length === 0) {
      return;
    }
    const payload = JSON.parse(data.join('\n'));
    if (event === 'message') {
      onLabeled(payload);
    } else if (event === 'overflow') {
      setStatus('error', 'the stream ended: ' + payload.reason);
    }
  }

  async function follow() {
    clearTimeout(retryTimer);
    streamAbort = new AbortController();
    setStatus('connecting', 'connecting to the results stream…');
    try {
      const response = await fetch('/reviews/stream', {
        headers: headers({ Accept: 'text/event-stream' }), signal: streamAbort.signal, cache: 'no-store'
      });
      if (response.status === 401) {
        needKey('the results stream');
        setStatus('key', 'the results stream needs an API key (field below)');
        return;
      }
      if (!response.ok) {
        const problem = await response.json().catch(() => ({}));
        throw new Error(response.status + ' ' + (problem.detail || response.statusText));
      }
      setStatus('live', 'live: following labeled results');
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) {
          break;
        }
        buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r\n?/g, '\n');
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          dispatch(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
      if (statusLine.dataset.state === 'live') {
        setStatus('connecting', 'the stream ended; reconnecting…');
      }
    } catch (e) {
      if (e.name === 'AbortError') {
        return;
      }
      setStatus('error', 'results stream unavailable (' + e.message + '); retrying…');
    }
    retryTimer = setTimeout(follow, RECONNECT_MS);
  }

  $('submit-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const review = { text: $('text').value };
    if ($('lang').value) {
      review.lang = $('lang').value;
    }
    result.className = 'result';
    result.textContent = 'sending…';
    delete result.dataset.id;
    delete result.dataset.label;
    try {
      const response = await fetch('/reviews', {
        method: 'POST', headers: headers({ 'Content-Type': 'application/json' }), body: JSON.stringify(review)
      });
      const body = await response.json().catch(() => ({}));
      if (response.status === 401) {
        needKey('submitting reviews');
        throw new Error('an API key is required: enter it in the API key field');
      }
      if (response.status !== 202) {
        throw new Error((body.detail || body.title || response.statusText) + ' (' + response.status + ')');
      }
      const id = body.ids[0];
      result.dataset.id = id;
      result.textContent = '';
      result.append('Accepted as ', code(id), '; waiting for its label…');
      if (recent.has(id)) {
        showResult(recent.get(id));
      } else {
        pendingId = id;
      }
    } catch (err) {
      result.className = 'result error';
      result.textContent = 'Not accepted: ' + err.message;
    }
  });

  keyInput.addEventListener('change', () => {
    if (streamAbort) {
      streamAbort.abort();
    }
    follow();
  });

  follow();
})();
