// Progressive enhancement only: every page works without this file.
// Moves keyboard and screen-reader focus to an error summary or warning when a page shows one.
document.addEventListener("DOMContentLoaded", function () {
  var target = document.querySelector("[data-autofocus]");
  if (target && document.activeElement !== target) {
    target.focus();
  }
  // An error-summary link focuses the field itself, not just scrolls to it.
  document.querySelectorAll(".error-summary a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (field) {
        event.preventDefault();
        field.scrollIntoView({block: "center"});
        field.focus();
      }
    });
  });
});

// Warns two minutes before the idle sign-out, so a long interview is not lost with the form.
document.addEventListener("DOMContentLoaded", function () {
  var body = document.body;
  var idleSeconds = parseInt(body.getAttribute("data-idle-seconds") || "0", 10);
  var warning = document.querySelector(".idle-warning");
  if (!idleSeconds || !warning) {
    return;
  }
  var timer = null;
  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      warning.hidden = false;
      warning.querySelector("[data-stay-signed-in]").focus();
    }, Math.max(idleSeconds - 120, 10) * 1000);
  }
  warning.querySelector("[data-stay-signed-in]").addEventListener("click", function () {
    // A signed-out session answers with a redirect to sign in: not followed, it means "reload".
    fetch(body.getAttribute("data-keep-alive"), {credentials: "same-origin", redirect: "manual"}).then(function (response) {
      if (response.ok) {
        warning.hidden = true;
        schedule();
      } else {
        window.location.reload();  // already signed out: show the sign-in page and its reason
      }
    }).catch(function () {
      window.location.reload();
    });
  });
  schedule();
});


// On a phone, wide tables show one card per row with each cell's column name before it (ui.css, .table--stack),
// read from the cell's data-label. Tables of four or more columns drawn without data-label get them here from
// their column headings; narrower tables fit a phone as they are.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("table.table:not(.table--stack)").forEach(function (table) {
    var headings = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    if (headings.length < 4) {
      return;
    }
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.cells, function (cell, index) {
        if (!cell.hasAttribute("data-label") && headings[index]) {
          cell.setAttribute("data-label", headings[index]);
        }
      });
    });
    table.classList.add("table--stack");
  });
});
