/* jmgeo atlas page script, joined from the files of src/jmgeo/static/atlas/ in name order
 * inside one function scope (see docs/page-script.md).
 *
 * Draws every layer from the page's JSON data block into the folium feature groups and
 * adds the page's controls: layers and basemaps (with datum handling), legend, language
 * switch, search, city facts, story and choropleth. All text from the data is put into
 * the page with textContent (never innerHTML), so document text can only show as text;
 * the few strings Leaflet itself inserts as HTML (layer-control names, attributions)
 * go through escapeHtml first.
 *
 * The address keeps the reader's choices: #lang=en&basemap=amap&chapter=2.
 */

// This script runs in the page's head, before the body is parsed: the text below the map
// waits for the map's first frame (see jmgeo-starting in atlas.css). Start-up shows it again
// with the interface; the timer is for a page whose start-up never gets that far.
var root = document.documentElement;
root.classList.add("jmgeo-starting");
setTimeout(function () { root.classList.remove("jmgeo-starting"); }, 3000);
