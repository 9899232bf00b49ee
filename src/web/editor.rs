//! The code editor: a `<textarea>` over a `<pre>` that shows the same text coloured by the lab's Python
//! highlighter (the textarea's own text is transparent, its caret and selection visible; same font metrics, and
//! the `<pre>` and the line numbers follow its scrolling). No JavaScript library: the text logic is
//! `crate::editing`. Keys: Tab indents, Shift-Tab dedents, Enter keeps the indentation, Ctrl/Cmd-Enter runs,
//! Esc then Tab leaves the editor (so a keyboard user is never trapped).

use crate::editing::{
    byte_offset, coloured_lines, dedent, kind_class, newline, tab, utf16_offset, Edit, Piece,
};
use std::rc::Rc;
use web_sys::{HtmlElement, HtmlTextAreaElement};
use yew::prelude::*;

/// Where the error the editor marks is.
#[derive(Clone, PartialEq)]
pub struct EditorError {
    /// Its 1-based line.
    pub line: Option<u32>,
    /// The error as Python prints it (a syntax error's caret under its column included).
    pub text: Rc<str>,
}

/// Props of [`Editor`].
#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// Prefix of the element ids (unique on the page).
    pub id: AttrValue,
    /// The label read for the textarea.
    pub label: AttrValue,
    /// The program.
    pub text: Rc<str>,
    /// The student changed the text.
    pub on_change: Callback<String>,
    /// Ctrl/Cmd-Enter.
    pub on_run: Callback<()>,
    /// The error to mark, if any.
    #[prop_or_default]
    pub error: Option<EditorError>,
    /// The `data-testid` of the textarea (a student job's by default).
    #[prop_or(AttrValue::Static("job-code"))]
    pub code_testid: AttrValue,
    /// The `data-testid` of the error shown under it.
    #[prop_or(AttrValue::Static("job-error"))]
    pub error_testid: AttrValue,
}

/// The help under the label, read with the textarea.
pub const HELP: &str =
    "Tab indents, Shift-Tab dedents, Enter keeps the indentation, Ctrl-Enter (Cmd-Enter on a \
                        Mac) runs. To leave the editor with the keyboard, press Esc, then Tab.";

/// A code editor for one program.
#[function_component(Editor)]
pub fn editor(p: &EditorProps) -> Html {
    let area = use_node_ref();
    let layer = use_node_ref();
    let gutter = use_node_ref();
    // After Esc, the next Tab is the browser's: focus moves on.
    let escaped = use_mut_ref(|| false);

    let onscroll = {
        let (area, layer, gutter) = (area.clone(), layer.clone(), gutter.clone());
        Callback::from(move |_: Event| follow_scroll(&area, &layer, &gutter))
    };
    {
        // A new text (typed or reset) may change the scroll range: keep the layers together. A new editor's
        // layers all start at the top: reading the textarea's scroll then would force a layout mid-render.
        let (area, layer, gutter) = (area.clone(), layer.clone(), gutter.clone());
        let mounted = use_mut_ref(|| false);
        use_effect_with(p.text.clone(), move |_| {
            if std::mem::replace(&mut *mounted.borrow_mut(), true) {
                follow_scroll(&area, &layer, &gutter)
            }
        });
    }
    let oninput = {
        let on_change = p.on_change.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e.target_dyn_into::<HtmlTextAreaElement>() {
                on_change.emit(t.value());
            }
        })
    };
    let onkeydown = {
        let (on_change, on_run, escaped) = (p.on_change.clone(), p.on_run.clone(), escaped.clone());
        Callback::from(move |e: KeyboardEvent| {
            let key = e.key();
            if matches!(key.as_str(), "Shift" | "Control" | "Alt" | "Meta") {
                return;
            }
            let was_escaped = std::mem::replace(&mut *escaped.borrow_mut(), key == "Escape");
            let Some(t) = e.target_dyn_into::<HtmlTextAreaElement>() else {
                return;
            };
            let edit: fn(&str, usize, usize) -> Edit = match key.as_str() {
                "Enter" if e.ctrl_key() || e.meta_key() => {
                    e.prevent_default();
                    on_run.emit(());
                    return;
                }
                "Enter" if !e.shift_key() && !e.alt_key() => newline,
                "Tab" if was_escaped || e.ctrl_key() || e.alt_key() || e.meta_key() => return,
                "Tab" if e.shift_key() => dedent,
                "Tab" => tab,
                _ => return,
            };
            e.prevent_default();
            let text = t.value();
            let start = byte_offset(&text, t.selection_start().ok().flatten().unwrap_or(0));
            let end = byte_offset(&text, t.selection_end().ok().flatten().unwrap_or(0));
            let (start, end) = (start.min(end), start.max(end));
            let done = edit(&text, start, end);
            t.set_value(&done.text);
            let _ = t.set_selection_range(
                utf16_offset(&done.text, done.start),
                utf16_offset(&done.text, done.end),
            );
            on_change.emit(done.text);
        })
    };

    let error_line = p.error.as_ref().and_then(|e| e.line);
    let lines = coloured_lines(&p.text);
    let (numbers, code) = (
        gutter_lines(lines.len(), error_line),
        code_lines(&lines, error_line),
    );
    let area_id = format!("{}-code", p.id);
    let help_id = format!("{}-help", p.id);
    let error_id = format!("{}-error", p.id);
    let described = if p.error.is_some() {
        format!("{error_id} {help_id}")
    } else {
        help_id.clone()
    };
    html! {
        <div class="editor">
            <label class="editor-label" for={area_id.clone()}>{&p.label}</label>
            <p class="editor-help" id={help_id}>{HELP}</p>
            <div class="editor-frame">
                <pre class="editor-gutter" aria-hidden="true" ref={gutter}>{ for numbers }</pre>
                <div class="editor-code">
                    <pre class="editor-layer" aria-hidden="true" ref={layer}><code>{ for code }</code></pre>
                    <textarea id={area_id} class="editor-input" ref={area} data-testid={p.code_testid.clone()}
                        spellcheck="false" autocomplete="off" autocapitalize="off" wrap="off"
                        aria-describedby={described} aria-invalid={p.error.is_some().to_string()}
                        value={p.text.to_string()} {oninput} {onkeydown} {onscroll} />
                </div>
            </div>
            if let Some(e) = &p.error {
                <pre class="editor-error" id={error_id} data-testid={p.error_testid.clone()} role="alert">
                    { if let Some(n) = e.line { format!("Line {n}:\n") } else { String::new() } }
                    {&*e.text}
                </pre>
            }
        </div>
    }
}

/// The line numbers, one per line: plain text but the marked line's (an element, to stand out).
fn gutter_lines(count: usize, marked: Option<u32>) -> Vec<Html> {
    let mut shown = Vec::new();
    let mut plain = String::new();
    for n in 1..=count as u32 {
        if Some(n) == marked {
            flush(&mut shown, &mut plain);
            shown.push(html! { <span class="gutter-line error-line">{format!("▶{n}")}</span> });
        } else {
            plain.push_str(&n.to_string());
        }
        plain.push('\n');
    }
    flush(&mut shown, &mut plain);
    shown
}

/// The coloured layer: the text between coloured pieces as one text node, and the marked line in an element
/// of its own (its background spans the line). Each piece an element made the editors most of the page's DOM.
fn code_lines(lines: &[Vec<Piece>], marked: Option<u32>) -> Vec<Html> {
    let mut shown = Vec::new();
    let mut plain = String::new();
    let piece = |(text, kind): &Piece| match kind.and_then(kind_class) {
        Some(class) => html! { <span {class}>{text}</span> },
        None => Html::from(text.as_str()),
    };
    for (i, pieces) in lines.iter().enumerate() {
        if Some(i as u32 + 1) == marked {
            flush(&mut shown, &mut plain);
            shown.push(html! { <span class="code-line error-line">{ for pieces.iter().map(piece) }</span> });
        } else {
            for p in pieces {
                match p.1.and_then(kind_class) {
                    Some(_) => {
                        flush(&mut shown, &mut plain);
                        shown.push(piece(p));
                    }
                    None => plain.push_str(&p.0),
                }
            }
        }
        plain.push('\n');
    }
    flush(&mut shown, &mut plain);
    shown
}

/// Moves the plain text gathered so far into `shown` as one text node.
fn flush(shown: &mut Vec<Html>, plain: &mut String) {
    if !plain.is_empty() {
        shown.push(Html::from(std::mem::take(plain)));
    }
}

/// The coloured layer and the line numbers follow the textarea's scrolling.
fn follow_scroll(area: &NodeRef, layer: &NodeRef, gutter: &NodeRef) {
    let Some(a) = area.cast::<HtmlElement>() else {
        return;
    };
    if let Some(l) = layer.cast::<HtmlElement>() {
        l.set_scroll_top(a.scroll_top());
        l.set_scroll_left(a.scroll_left());
    }
    if let Some(g) = gutter.cast::<HtmlElement>() {
        g.set_scroll_top(a.scroll_top());
    }
}
