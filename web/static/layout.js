// The search page's filter panel: a <details> that is closed on a phone (results first, one line for the filters)
// and open beside the results on a wide screen. The page works without this script: style.css shows the panel's
// content on wide screens in browsers that style ::details-content, and a click on its summary opens it anywhere.
(function () {
  "use strict";
  var WIDE = "(min-width: 900px)";  // the same breakpoint as style.css
  var panel = document.getElementById("refine");
  var wide = window.matchMedia ? window.matchMedia(WIDE) : null;

  function fit() {
    if (panel && wide) {
      panel.open = wide.matches;
    }
  }

  // A link to one facet (#facet-org, from "List more"): open the panel and that facet's "Show more".
  function showTarget() {
    var target = location.hash && document.getElementById(location.hash.slice(1));
    if (!target || !target.classList.contains("facet")) {
      return;
    }
    if (panel) {
      panel.open = true;
    }
    var more = target.querySelector("details.show-more");
    if (more) {
      more.open = true;
    }
  }

  fit();
  showTarget();
  if (wide && wide.addEventListener) {
    wide.addEventListener("change", fit);
  }
  // Facet values are links with role=checkbox: Space toggles a checkbox, so it follows the link too.
  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (event.key === " " && el && el.getAttribute && el.getAttribute("role") === "checkbox" && el.href) {
      event.preventDefault();
      el.click();
    }
  });
}());
