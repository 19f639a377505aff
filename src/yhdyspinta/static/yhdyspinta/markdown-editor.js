// The agreement section editor: a toolbar that writes Markdown for the official (bold,
// italic, heading, lists, link) and a live preview rendered by the server with the same
// renderer as the agreement. Without JavaScript the textarea works as it is.
(function () {
  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
    } catch (e) {
      return "";
    }
  }

  function wrap(area, before, after, placeholder) {
    var start = area.selectionStart, end = area.selectionEnd;
    var chosen = area.value.slice(start, end) || placeholder;
    area.setRangeText(before + chosen + after, start, end, "select");
    area.focus();
  }

  function prefixLines(area, prefix) {
    var value = area.value;
    var start = value.lastIndexOf("\n", area.selectionStart - 1) + 1;
    var end = area.selectionEnd;
    var lines = value.slice(start, end).split("\n");
    var text = lines.map(function (line, i) {
      return (typeof prefix === "function" ? prefix(i) : prefix) + line;
    }).join("\n");
    area.setRangeText(text, start, end, "select");
    area.focus();
  }

  function setUp(area) {
    var labels = JSON.parse(area.dataset.toolbar);
    var bar = document.createElement("div");
    bar.className = "markdown-toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", labels.label);
    bar.setAttribute("aria-controls", area.id);
    var actions = [
      ["bold", "B", function () { wrap(area, "**", "**", labels.bold); }],
      ["italic", "I", function () { wrap(area, "*", "*", labels.italic); }],
      ["heading", "H", function () { prefixLines(area, "### "); }],
      ["list", "•", function () { prefixLines(area, "- "); }],
      ["numbered", "1.", function () { prefixLines(area, function (i) { return (i + 1) + ". "; }); }],
      ["link", "↗", function () { wrap(area, "[", "](https://)", labels.link); }],
    ];
    actions.forEach(function (action) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button small secondary";
      button.textContent = action[1];
      button.title = labels[action[0]];
      button.setAttribute("aria-label", labels[action[0]]);
      button.addEventListener("click", function () { action[2](); refresh(); });
      bar.appendChild(button);
    });
    area.parentNode.insertBefore(bar, area);
    var preview = document.createElement("div");
    preview.className = "markdown-preview prose";
    preview.setAttribute("aria-live", "polite");
    // A named region: a screen reader can find it, and axe accepts its name.
    preview.setAttribute("role", "region");
    preview.setAttribute("aria-label", labels.preview);
    var heading = document.createElement("p");
    heading.className = "muted";
    heading.textContent = labels.preview;
    area.parentNode.appendChild(heading);
    area.parentNode.appendChild(preview);
    var timer = null;
    function refresh() {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var body = new URLSearchParams();
        body.set("text", area.value);
        fetch(area.dataset.markdownPreview, {
          method: "POST",
          headers: { "X-CSRFToken": csrfToken() },
          body: body,
          credentials: "same-origin",
        }).then(function (response) {
          return response.ok ? response.text() : "";
        }).then(function (html) {
          preview.innerHTML = html; // the server's renderer escapes all HTML
        });
      }, 300);
    }
    area.addEventListener("input", refresh);
    refresh();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-markdown-preview]").forEach(setUp);
  });
})();
