/* Krisemøte: step panels with the keyboard. In an assets file (not inline) so that the
   Content-Security-Policy, which allows only hashed inline scripts, lets it run. */
(function () {
  var NEXT = ["ArrowRight", "PageDown", " ", "Spacebar"];
  var PREV = ["ArrowLeft", "PageUp"];
  document.addEventListener("keydown", function (event) {
    if (!document.querySelector(".krise-mode")) { return; }
    var tag = (event.target && event.target.tagName) || "";
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") { return; }
    var id = null;
    if (NEXT.indexOf(event.key) >= 0) { id = "krise-next"; }
    if (PREV.indexOf(event.key) >= 0) { id = "krise-prev"; }
    if (!id) { return; }
    var button = document.getElementById(id);
    if (button) {
      event.preventDefault();
      button.click();
    }
  });
})();
