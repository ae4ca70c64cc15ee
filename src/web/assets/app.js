// hansard-watch: progressive enhancement only. Every page works without this script.
// Served from /assets (CSP script-src 'self'); builds DOM with textContent, never innerHTML.
/* global document, window, fetch, URLSearchParams, FormData, CSS */
'use strict';

(function () {
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      node.setAttribute(k, attrs[k]);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  var FIELD_NAMES = {
    email: 'Email',
    q: 'Words',
    tag: 'Tags',
    person: 'Person',
    speaker: 'Person',
    frequency: 'How often',
    minConfidence: 'Minimum confidence',
  };

  function clearErrors(form) {
    form.querySelectorAll('.field-error.js').forEach(function (n) {
      n.remove();
    });
    form.querySelectorAll('[aria-invalid]').forEach(function (n) {
      n.removeAttribute('aria-invalid');
    });
  }

  function showIssues(box, form, issues) {
    var summary = el('div', { class: 'error-summary', role: 'alert', tabindex: '-1' });
    summary.appendChild(el('h2', {}, 'There is a problem'));
    var list = el('ul');
    issues.forEach(function (issue) {
      var item = el('li');
      item.appendChild(
        el(
          'a',
          { href: '#f-' + issue.field },
          (FIELD_NAMES[issue.field] || issue.field) + ': ' + issue.message,
        ),
      );
      list.appendChild(item);
      var input = form.querySelector('#f-' + CSS.escape(issue.field));
      if (input) {
        input.setAttribute('aria-invalid', 'true');
        var msg = el('p', { class: 'field-error js', id: 'f-' + issue.field + '-error-js' }, issue.message);
        input.parentNode.insertBefore(msg, input);
      }
    });
    summary.appendChild(list);
    box.appendChild(summary);
    summary.focus();
  }

  function showStatus(box, ok, message) {
    var status = el('div', { class: ok ? 'success' : 'notice', role: 'status', tabindex: '-1' });
    status.appendChild(el('p', {}, message));
    box.appendChild(status);
    status.focus();
  }

  function enhanceSubscribe(form) {
    var box = document.getElementById('subscribe-messages');
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var button = form.querySelector('button[type=submit]');
      button.disabled = true;
      var body = new URLSearchParams(new FormData(form));
      fetch(form.action, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: body.toString(),
      })
        .then(function (res) {
          return res.json().then(function (json) {
            return { status: res.status, json: json };
          });
        })
        .then(function (r) {
          box.textContent = '';
          clearErrors(form);
          if (r.status === 400 && r.json.issues) showIssues(box, form, r.json.issues);
          else showStatus(box, r.status === 202, r.json.message || 'Done.');
        })
        .catch(function () {
          box.textContent = '';
          showStatus(box, false, 'Could not reach the server. Please try again.');
        })
        .finally(function () {
          button.disabled = false;
        });
    });
  }

  // Speaker suggestions: people whose names match, offered as "Name (Party, Seat)", the form the search page resolves.
  function enhanceTypeahead(input) {
    var list = document.getElementById(input.getAttribute('list'));
    var timer = null;
    var asked = '';
    input.addEventListener('input', function () {
      var q = input.value.replace(/\s*\(.*$/, '').trim();
      if (q.length < 2 || q === asked) return;
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        asked = q;
        fetch('/api/v1/people?' + new URLSearchParams({ q: q, limit: '10' }).toString(), {
          headers: { accept: 'application/json' },
        })
          .then(function (res) {
            return res.ok ? res.json() : { results: [] };
          })
          .then(function (json) {
            list.textContent = '';
            (json.results || json.people || []).forEach(function (p) {
              var where = [p.party, p.constituency || p.houseName].filter(Boolean).join(', ');
              list.appendChild(el('option', { value: where ? p.name + ' (' + where + ')' : p.name }));
            });
          })
          .catch(function () {});
      }, 150);
    });
  }

  // Filters start folded on a phone, so the first result is on the first screen; open where there is room.
  function foldFilters() {
    if (!window.matchMedia || !window.matchMedia('(max-width: 40rem)').matches) return;
    document.querySelectorAll('details.more-filters[open]').forEach(function (d) {
      if (!d.querySelector('[aria-invalid]')) d.removeAttribute('open');
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    foldFilters();
    document.querySelectorAll('input[data-people-typeahead]').forEach(function (input) {
      if (window.fetch && window.URLSearchParams) enhanceTypeahead(input);
    });
    var form = document.getElementById('subscribe-form');
    if (form && window.fetch && window.URLSearchParams) enhanceSubscribe(form);
    var summary = document.querySelector('.error-summary');
    if (summary) summary.focus();
  });
})();
