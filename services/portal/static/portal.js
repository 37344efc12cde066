// Improves pages that work without it: shows the chosen file names, and refreshes a claim's status until its
// receipt exists, announcing the change to screen readers without moving the keyboard focus.
(function () {
  "use strict";
  document.documentElement.classList.add("js");  // the file inputs are replaced by their labelled buttons
  document.querySelectorAll(".file-input").forEach(function (input) {
    var shown = input.parentElement.querySelector(".file-chosen");
    shown.textContent = shown.dataset.none;
    input.addEventListener("change", function () {
      var names = Array.prototype.map.call(input.files, function (file) { return file.name; });
      shown.textContent = names.length ? names.join(", ") : shown.dataset.none;
    });
  });

  var region = document.getElementById("claim-status");
  var announcer = document.getElementById("poll-announcer");
  if (!region || !region.dataset.poll) { return; }
  var url = region.dataset.poll;
  var timer = setInterval(function () {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var next = document.createElement("div");
        next.innerHTML = html;
        if (!next.querySelector("#receipt-download")) { return; }
        var focused = document.activeElement && region.contains(document.activeElement);
        region.innerHTML = html;
        clearInterval(timer);
        var link = document.getElementById("receipt-download");
        if (focused && link) { link.focus(); }
        if (announcer && link) { announcer.textContent = link.textContent; }
      })
      .catch(function () { /* the next round tries again */ });
  }, 3000);
})();
