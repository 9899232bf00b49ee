//! The window timeline as a standalone SVG, for slides: the strip of recent batches coloured by what each is to the
//! window, its legend, and the window's arithmetic, in the light theme's colours (a slide is light whatever theme
//! the page shows). Drawn from the same [`Timeline`] the page shows, so the file says what the page says.

use super::window::{CellRole, PathView, Timeline};

/// Width and height of one batch cell, and the gap between cells.
const CELL_W: f64 = 76.0;
const CELL_H: f64 = 54.0;
const GAP: f64 = 4.0;
const MARGIN: f64 = 12.0;
/// Height of one line of text.
const LINE: f64 = 20.0;
const FG: &str = "#1b1d21";
const MUTED: &str = "#55595f";
const ACCENT: &str = "#1f6feb";
const FONT: &str = "DejaVu Sans, Arial, sans-serif";
const MONO: &str = "DejaVu Sans Mono, Menlo, Consolas, monospace";

/// A cell's fill for `role` (the page's role colours over white).
fn fill(role: CellRole) -> &'static str {
    match role {
        CellRole::Arriving => "#d3efdb",
        CellRole::Leaving => "#f7d5d5",
        CellRole::Kept | CellRole::Reduced => "#dce8f8",
        CellRole::Earlier | CellRole::Later => "#eef0f2",
    }
}

/// Text escaped for XML content and attribute values.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn text(x: f64, y: f64, attrs: &str, content: &str) -> String {
    format!(
        "<text x=\"{x}\" y=\"{y}\" {attrs}>{}</text>\n",
        esc(content)
    )
}

/// The timeline `tl` as the text of an SVG file.
pub fn timeline_svg(tl: &Timeline) -> String {
    let (rows, roles): (_, &[CellRole]) = match &tl.path {
        PathView::Recompute { rows, .. } => (
            rows,
            &[CellRole::Reduced, CellRole::Earlier, CellRole::Later],
        ),
        PathView::Subtract { rows, .. } => (
            rows,
            &[
                CellRole::Arriving,
                CellRole::Kept,
                CellRole::Leaving,
                CellRole::Earlier,
                CellRole::Later,
            ],
        ),
    };
    let heading = match tl.path {
        PathView::Recompute { .. } => "window = sum of the batches in it",
        PathView::Subtract { .. } => "old window + arriving − leaving = new window",
    };
    let hidden = usize::from(tl.hidden > 0);
    let strip_w = (tl.cells.len() + hidden) as f64 * (CELL_W + GAP);
    let width = (2.0 * MARGIN + strip_w).max(640.0);
    let strip_y = MARGIN + 2.0 * LINE;
    let legend_y = strip_y + CELL_H + LINE;
    let rows_y = legend_y + 1.6 * LINE;
    let height = rows_y + LINE * (rows.len().max(1) + tl.zero_notes.len()) as f64 + MARGIN;

    let mut body = String::new();
    body.push_str(&format!(
        "<rect x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>\n"
    ));
    body.push_str(&text(
        MARGIN,
        MARGIN + 14.0,
        &format!("font-family=\"{FONT}\" font-size=\"16\" font-weight=\"700\" fill=\"{FG}\""),
        "How the window was formed",
    ));
    body.push_str(&text(
        MARGIN,
        MARGIN + 14.0 + LINE,
        &format!("font-family=\"{FONT}\" font-size=\"13\" fill=\"{MUTED}\""),
        &tl.summary,
    ));
    let mut x = MARGIN;
    let cell = |x: f64,
                fill: &str,
                border: &str,
                dashed: bool,
                time: &str,
                total: &str,
                strike: bool| {
        let dash = if dashed {
            " stroke-dasharray=\"4 3\""
        } else {
            ""
        };
        let mut s = format!(
            "<rect x=\"{x}\" y=\"{strip_y}\" width=\"{CELL_W}\" height=\"{CELL_H}\" rx=\"5\" fill=\"{fill}\" \
             stroke=\"{border}\" stroke-width=\"2\"{dash}/>\n"
        );
        let cx = x + CELL_W / 2.0;
        s.push_str(&text(
            cx,
            strip_y + 20.0,
            &format!(
                "font-family=\"{MONO}\" font-size=\"12\" text-anchor=\"middle\" fill=\"{FG}\""
            ),
            time,
        ));
        let decoration = if strike {
            " text-decoration=\"line-through\""
        } else {
            ""
        };
        s.push_str(&text(
            cx,
            strip_y + 42.0,
            &format!(
                "font-family=\"{FONT}\" font-size=\"16\" font-weight=\"700\" text-anchor=\"middle\" fill=\"{FG}\"{decoration}"
            ),
            total,
        ));
        s
    };
    if tl.hidden > 0 {
        body.push_str(&cell(
            x,
            fill(CellRole::Earlier),
            MUTED,
            true,
            "…",
            &format!("+{}", tl.hidden),
            false,
        ));
        x += CELL_W + GAP;
    }
    for c in &tl.cells {
        let in_window = matches!(
            c.role,
            CellRole::Kept | CellRole::Arriving | CellRole::Reduced
        );
        let outside = matches!(c.role, CellRole::Earlier | CellRole::Later);
        let border = if in_window {
            ACCENT
        } else if outside {
            MUTED
        } else {
            "none"
        };
        body.push_str(&cell(
            x,
            fill(c.role),
            border,
            outside,
            &c.label,
            &c.total.to_string(),
            c.role == CellRole::Leaving,
        ));
        x += CELL_W + GAP;
    }
    let mut lx = MARGIN;
    for role in roles {
        body.push_str(&format!(
            "<rect x=\"{lx}\" y=\"{}\" width=\"14\" height=\"14\" rx=\"3\" fill=\"{}\" stroke=\"{MUTED}\" stroke-width=\"0.5\"/>\n",
            legend_y - 11.0,
            fill(*role)
        ));
        body.push_str(&text(
            lx + 19.0,
            legend_y,
            &format!("font-family=\"{FONT}\" font-size=\"12\" fill=\"{MUTED}\""),
            role.label(),
        ));
        lx += 30.0 + 6.5 * role.label().chars().count() as f64;
    }
    body.push_str(&text(
        MARGIN,
        rows_y,
        &format!("font-family=\"{FONT}\" font-size=\"14\" font-weight=\"600\" fill=\"{FG}\""),
        heading,
    ));
    let mut y = rows_y + LINE;
    if rows.is_empty() {
        body.push_str(&text(
            MARGIN,
            y,
            &format!("font-family=\"{FONT}\" font-size=\"13\" fill=\"{MUTED}\""),
            "No key in this window.",
        ));
        y += LINE;
    }
    for r in rows {
        let decoration = if r.filtered {
            " text-decoration=\"line-through\""
        } else {
            ""
        };
        body.push_str(&text(
            MARGIN,
            y,
            &format!("font-family=\"{MONO}\" font-size=\"13\" fill=\"{FG}\"{decoration}"),
            &r.text,
        ));
        y += LINE;
    }
    for note in &tl.zero_notes {
        body.push_str(&text(
            MARGIN,
            y,
            &format!("font-family=\"{FONT}\" font-size=\"12\" fill=\"{MUTED}\""),
            note,
        ));
        y += LINE;
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" \
         height=\"{height}\" viewBox=\"0 0 {width} {height}\">\n<title>{}</title>\n{body}</svg>\n",
        esc(&format!("Window at batch {}: {}", tl.batch, tl.summary))
    )
}

// roxmltree is a native dev-dependency: the file is checked natively.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::engine::{NotebookConfig, NotebookLab};
    use crate::model::BatchLog;

    /// The timeline after `batches` one-second batches of `lines` each, 5 s window, 1 s slide (subtracting path).
    fn timeline(batches: usize, lines: &[&str]) -> Timeline {
        let c = NotebookConfig {
            batch_interval_ms: 1_000,
            window_ms: 5_000,
            slide_ms: 1_000,
            ..NotebookConfig::default()
        };
        let mut lab = NotebookLab::new(c.clone(), 0).unwrap();
        let mut log = BatchLog::default();
        for _ in 0..batches {
            for l in lines {
                lab.push_line(l);
            }
            log.record(&lab.run_batch(), Default::default());
        }
        super::super::window::timeline(&c, &log).expect("a window")
    }

    #[test]
    fn the_file_is_well_formed_svg_with_every_cell_legend_and_sum_of_the_page() {
        let tl = timeline(7, &["[error] <b>&", "[info] x"]);
        let svg = timeline_svg(&tl);
        let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://www.w3.org/2000/svg")
        );
        let texts: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .collect();
        for c in &tl.cells {
            assert!(texts.contains(&c.label.as_str()), "{}: {texts:?}", c.label);
        }
        let PathView::Subtract { rows, .. } = &tl.path else {
            panic!("a 5 s window sliding every second subtracts");
        };
        for r in rows {
            assert!(texts.contains(&r.text.as_str()), "{}: {texts:?}", r.text);
        }
        for role in [CellRole::Arriving, CellRole::Leaving, CellRole::Kept] {
            assert!(texts.contains(&role.label()), "{texts:?}");
        }
        // One rect per cell, framed in the accent colour when in the window.
        let framed = doc
            .descendants()
            .filter(|n| n.has_tag_name("rect") && n.attribute("stroke") == Some(ACCENT))
            .count();
        let in_window = tl
            .cells
            .iter()
            .filter(|c| matches!(c.role, CellRole::Kept | CellRole::Arriving))
            .count();
        assert_eq!(framed, in_window);
        let title = doc.descendants().find(|n| n.has_tag_name("title")).unwrap();
        assert!(
            title.text().unwrap().contains(&tl.summary),
            "{:?}",
            title.text()
        );
    }
}
