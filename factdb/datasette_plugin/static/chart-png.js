// The comparison chart as a PNG, drawn in the browser from the chart already on the page.
//
// The chart is server-built SVG that carries its own fonts, colours and sizes as attributes and
// refers to nothing outside itself, so it renders the same as an image. The copy is loaded from
// a data: URL (the one image source the Content-Security-Policy allows besides the site itself),
// drawn on a white canvas at twice its own size, and saved as a file. Without script the PNG
// button stays hidden and the page offers the SVG and the CSV as plain links.
(function () {
  "use strict";

  var SCALE = 2; // sharp on dense screens and in print: 2,000 pixels wide for the chart's 1,000 units

  function rasterise(svg, done, failed) {
    var box = svg.viewBox.baseVal;
    var width = Math.round(box.width * SCALE);
    var height = Math.round(box.height * SCALE);
    var copy = svg.cloneNode(true);
    // As an image the SVG has no container to take "100%" of: give it its pixel size.
    copy.removeAttribute("style");
    copy.setAttribute("width", String(width));
    copy.setAttribute("height", String(height));
    var markup = new XMLSerializer().serializeToString(copy);
    var image = new Image();
    image.onload = function () {
      var canvas = document.createElement("canvas");
      canvas.width = width;
      canvas.height = height;
      var context = canvas.getContext("2d");
      context.fillStyle = "#ffffff"; // the page's background; a PNG's is otherwise transparent
      context.fillRect(0, 0, width, height);
      context.drawImage(image, 0, 0, width, height);
      try {
        canvas.toBlob(function (blob) {
          if (blob) {
            done(blob);
          } else {
            failed();
          }
        }, "image/png");
      } catch (error) {
        failed(); // a browser that counts the SVG image as cross-origin refuses to export the canvas
      }
    };
    image.onerror = failed;
    image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(markup);
  }

  function save(blob, filename) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = filename;
    document.body.appendChild(link);
    link.click();
    link.remove();
    // Only once the browser has taken the file: revoking at once can cancel the download.
    setTimeout(function () {
      URL.revokeObjectURL(link.href);
    }, 60000);
  }

  function offer(button) {
    var svg = document.getElementById(button.getAttribute("data-chart"));
    var status = document.getElementById(button.getAttribute("aria-describedby"));
    var wrapper = button.closest("[hidden]");
    if (!svg || !status || !wrapper || !window.HTMLCanvasElement || !window.XMLSerializer) {
      return;
    }
    var busy = false; // a flag, not "disabled": disabling the focused button would drop keyboard focus
    button.addEventListener("click", function () {
      if (busy) {
        return;
      }
      busy = true;
      status.textContent = "";
      rasterise(svg, function (blob) {
        busy = false;
        save(blob, button.getAttribute("data-filename"));
      }, function () {
        busy = false;
        status.textContent = "This browser could not draw the PNG; the SVG has the same chart.";
      });
    });
    wrapper.hidden = false;
  }

  document.querySelectorAll("button[data-chart][data-filename]").forEach(offer);
})();
