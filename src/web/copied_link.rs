//! A link the page made and put on the clipboard ("Copy link" of a job or of a scenario), shown in a read-only
//! field with what the clipboard said, so it can be copied by hand where the browser refused.

use crate::model::JobLink;
use yew::prelude::*;

/// Props of [`CopiedLink`].
#[derive(Properties, PartialEq)]
pub struct CopiedLinkProps {
    /// The field's id.
    pub id: AttrValue,
    /// The field's label.
    pub label: AttrValue,
    /// The field's `data-testid`.
    pub testid: AttrValue,
    /// The link, and the clipboard's answer.
    pub link: JobLink,
}

/// The link in a read-only field, and whether it was copied.
#[function_component(CopiedLink)]
pub fn copied_link(p: &CopiedLinkProps) -> Html {
    html! {
        <div class="job-link">
            <label for={p.id.clone()}>{&p.label}</label>
            <input id={p.id.clone()} data-testid={p.testid.clone()} readonly=true value={p.link.url.clone()} />
            <span role="status">{ match &p.link.copied {
                None => String::new(),
                Some(Ok(())) => "Copied.".to_string(),
                Some(Err(why)) => format!("Not copied ({why}): select the link and copy it."),
            } }</span>
        </div>
    }
}
