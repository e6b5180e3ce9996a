/* report.js — the one script of the chorus report (embedded by CMake; the page's
 * Content-Security-Policy allows this script by its SHA-256 and nothing else). It adds, to a
 * page that reads fully without it:
 *   - a search box in the navigation bar: typing keeps the rows and shared objects whose text
 *     holds every word typed (handle, account id, platform, reason, cluster number...), hides
 *     the others, and opens the sections around what matched, so a member listed under "more
 *     members" is found without knowing where it is;
 *   - printing opens every collapsed section first (and closes them again after), so a printed
 *     or PDF copy holds everything.
 * It reads only the page itself: no network, no storage. */
(function () {
  'use strict';
  var nav = document.querySelector('nav .wrap');
  if (!nav) return;
  var items = Array.prototype.slice.call(document.querySelectorAll('.f'));
  var texts = items.map(function (e) { return e.textContent.toLowerCase(); });
  var box = document.createElement('span');
  box.className = 'search';
  var input = document.createElement('input');
  input.type = 'search';
  input.id = 'q';
  input.placeholder = 'Search accounts, clusters, texts';
  input.setAttribute('aria-label', 'search the report');
  var count = document.createElement('span');
  count.id = 'qn';
  count.className = 'muted small';
  box.appendChild(input);
  box.appendChild(count);
  nav.appendChild(box);

  var opened = [];
  function openAround(e) {
    for (var p = e.parentElement; p; p = p.parentElement)
      if (p.tagName === 'DETAILS' && !p.open) { p.open = true; opened.push(p); }
  }
  function run() {
    var words = input.value.toLowerCase().split(/\s+/).filter(function (w) { return w; });
    opened.forEach(function (d) { d.open = false; });
    opened = [];
    var n = 0;
    for (var i = 0; i < items.length; i++) {
      var hit = words.every(function (w) { return texts[i].indexOf(w) >= 0; });
      items[i].classList.toggle('hid', words.length > 0 && !hit);
      if (words.length && hit) { n++; openAround(items[i]); }
    }
    count.textContent = words.length ? (n === 1 ? '1 match' : n + ' matches') : '';
    document.body.classList.toggle('searching', words.length > 0);
  }
  var timer = 0;
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(run, 120);
  });
  input.addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter') { clearTimeout(timer); run(); }
  });

  var closed = [];
  window.addEventListener('beforeprint', function () {
    closed = Array.prototype.slice.call(document.querySelectorAll('details:not([open])'));
    closed.forEach(function (d) { d.open = true; });
  });
  window.addEventListener('afterprint', function () {
    closed.forEach(function (d) { d.open = false; });
    closed = [];
  });
})();
