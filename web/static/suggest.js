// Type-ahead for the search box: fills its <datalist> from /api/suggest (entity names and completions of the word
// being typed). Without this script the box is a plain search box; a datalist is keyboard-friendly by itself.
(function () {
  "use strict";
  var box = document.querySelector("input[data-suggest]");
  var list = box && document.getElementById(box.getAttribute("list"));
  if (!box || !list || !window.fetch) {
    return;
  }
  var endpoint = box.getAttribute("data-suggest");
  var timer = null;
  var pending = null;
  var asked = "";

  function option(value, label) {
    var o = document.createElement("option");
    o.value = value;  // text, never HTML
    if (label) {
      o.label = label;
    }
    return o;
  }

  function fill(answer) {
    var seen = {};  // by lower case: a completion that is a listed name is not listed again
    var options = [];
    answer.entities.forEach(function (e) {
      if (!seen[e.name.toLowerCase()]) {
        seen[e.name.toLowerCase()] = true;
        options.push(option(e.name, e.type + " · " + e.releases + (e.releases === 1 ? " release" : " releases")));
      }
    });
    answer.completions.forEach(function (c) {
      if (!seen[c.text.toLowerCase()]) {
        seen[c.text.toLowerCase()] = true;
        options.push(option(c.text, ""));
      }
    });
    list.replaceChildren.apply(list, options);
  }

  function ask() {
    var q = box.value;
    if (q === asked) {
      return;
    }
    asked = q;
    if (pending) {
      pending.abort();  // only the answer to what is in the box now matters
    }
    if (!q.trim()) {
      list.replaceChildren();
      return;
    }
    pending = new AbortController();
    fetch(endpoint + "?q=" + encodeURIComponent(q), {signal: pending.signal, headers: {"Accept": "application/json"}})
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (answer) { if (answer) { fill(answer); } })
      .catch(function () { /* aborted or offline: keep the box as it is */ });
  }

  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 80);
  });
})();
