//! "Download SVG": a chart or a diagram of the page as a standalone SVG file for slides and handouts. The copy
//! carries each element's computed paint and text styles, so it looks as on the page (in the theme shown) without
//! the page's style sheets, plus the legend the page draws beside it in HTML.

use crate::web::platform::download;
use wasm_bindgen::JsCast;
use web_sys::Element;

const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// The computed properties that decide how an SVG element looks.
const STYLE_PROPERTIES: [&str; 14] = [
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "stroke-opacity",
    "stroke-linecap",
    "opacity",
    "font-family",
    "font-size",
    "font-weight",
    "text-anchor",
    "dominant-baseline",
    "visibility",
];

/// Height of one legend row under the drawing, in the SVG's units.
const LEGEND_ROW: f64 = 22.0;

/// A standalone copy of `svg` (an `<svg>` element on the page) as SVG text: computed styles written on every
/// element, a background in the page's panel colour, and `legend` (colour, label) drawn in one row underneath.
pub fn standalone_svg(svg: &Element, legend: &[(String, String)]) -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let copy: Element = svg
        .clone_node_with_deep(true)
        .map_err(|_| "the drawing cannot be copied")?
        .dyn_into()
        .map_err(|_| "the drawing is not an element")?;
    let originals = svg.query_selector_all("*").map_err(|_| "bad selector")?;
    let copies = copy.query_selector_all("*").map_err(|_| "bad selector")?;
    for i in 0..originals.length() {
        let (Some(original), Some(target)) = (originals.item(i), copies.item(i)) else {
            continue;
        };
        let (Ok(original), Ok(target)) =
            (original.dyn_into::<Element>(), target.dyn_into::<Element>())
        else {
            continue;
        };
        let Ok(Some(computed)) = window.get_computed_style(&original) else {
            continue;
        };
        let style: String = STYLE_PROPERTIES
            .iter()
            .filter_map(|p| {
                let v = computed.get_property_value(p).ok()?;
                (!v.is_empty()).then(|| format!("{p}:{v};"))
            })
            .collect();
        let _ = target.set_attribute("style", &style);
        // Page-only attributes: focus and ARIA behaviour mean nothing in a file.
        let _ = target.remove_attribute("tabindex");
    }
    let (x, y, w, h) = view_box(svg).ok_or("the drawing has no viewBox")?;
    let legend_h = if legend.is_empty() {
        0.0
    } else {
        LEGEND_ROW + 8.0
    };
    let total_h = h + legend_h;
    for (name, value) in [
        ("xmlns", SVG_NS.to_string()),
        ("viewBox", format!("{x} {y} {w} {total_h}")),
        ("width", w.to_string()),
        ("height", total_h.to_string()),
    ] {
        let _ = copy.set_attribute(name, &value);
    }
    let _ = copy.remove_attribute("tabindex");
    let root_style = window
        .get_computed_style(svg)
        .ok()
        .flatten()
        .and_then(|s| s.get_property_value("font-family").ok())
        .unwrap_or_default();
    let _ = copy.set_attribute("style", &format!("font-family:{root_style};"));
    let panel = css_variable(&window, &document, "--panel").unwrap_or_else(|| "#ffffff".into());
    let text = css_variable(&window, &document, "--fg").unwrap_or_else(|| "#000000".into());
    let background = svg_element(
        &document,
        "rect",
        &[
            ("x", x.to_string()),
            ("y", y.to_string()),
            ("width", w.to_string()),
            ("height", total_h.to_string()),
            ("fill", panel),
        ],
    )?;
    let _ = copy.insert_before(&background, copy.first_child().as_ref());
    let mut lx = x + 10.0;
    let ly = y + h + 8.0;
    for (colour, label) in legend {
        let swatch = svg_element(
            &document,
            "rect",
            &[
                ("x", lx.to_string()),
                ("y", (ly + 6.0).to_string()),
                ("width", "18".into()),
                ("height", "6".into()),
                ("fill", colour.clone()),
            ],
        )?;
        let caption = svg_element(
            &document,
            "text",
            &[
                ("x", (lx + 24.0).to_string()),
                ("y", (ly + 13.0).to_string()),
                ("fill", text.clone()),
                ("font-size", "13".into()),
            ],
        )?;
        caption.set_text_content(Some(label));
        let _ = copy.append_child(&swatch);
        let _ = copy.append_child(&caption);
        lx += 34.0 + 8.0 * label.chars().count() as f64;
    }
    let xml = web_sys::XmlSerializer::new()
        .map_err(|_| "no XML serializer")?
        .serialize_to_string(&copy)
        .map_err(|_| "the drawing cannot be written out")?;
    Ok(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{xml}\n"
    ))
}

/// The legend of a chart figure: each `.legend-item`'s swatch colour (as computed) and its text.
pub fn figure_legend(figure: &Element) -> Vec<(String, String)> {
    let Some(window) = web_sys::window() else {
        return Vec::new();
    };
    let Ok(items) = figure.query_selector_all(".legend-item") else {
        return Vec::new();
    };
    (0..items.length())
        .filter_map(|i| items.item(i)?.dyn_into::<Element>().ok())
        .filter_map(|item| {
            let swatch = item.query_selector(".swatch").ok()??;
            let colour = window
                .get_computed_style(&swatch)
                .ok()??
                .get_property_value("background-color")
                .ok()?;
            Some((colour, item.text_content()?.trim().to_string()))
        })
        .collect()
}

/// Saves `svg_text` as `file_name`.
pub fn download_svg(file_name: &str, svg_text: &str) -> Result<(), String> {
    download(file_name, "image/svg+xml", svg_text)
}

fn view_box(svg: &Element) -> Option<(f64, f64, f64, f64)> {
    let vb = svg.get_attribute("viewBox")?;
    let n: Vec<f64> = vb
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    match n[..] {
        [x, y, w, h] => Some((x, y, w, h)),
        _ => None,
    }
}

fn css_variable(
    window: &web_sys::Window,
    document: &web_sys::Document,
    name: &str,
) -> Option<String> {
    let root = document.document_element()?;
    let v = window
        .get_computed_style(&root)
        .ok()??
        .get_property_value(name)
        .ok()?;
    let v = v.trim();
    (!v.is_empty()).then(|| v.to_string())
}

fn svg_element(
    document: &web_sys::Document,
    tag: &str,
    attributes: &[(&str, String)],
) -> Result<Element, String> {
    let el = document
        .create_element_ns(Some(SVG_NS), tag)
        .map_err(|_| format!("cannot make an SVG {tag}"))?;
    for (name, value) in attributes {
        let _ = el.set_attribute(name, value);
    }
    Ok(el)
}
