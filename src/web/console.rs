//! The inside of a `pprint()` console: its blocks, one element each.

use yew::prelude::*;

/// The blocks of a console whose first block shown is the `first`th it printed (0 for its first), each in an
/// element of its own keyed by that number. After a batch the page adds the new block's element and drops the
/// oldest; the browser lays out only those two. As one text, three full consoles were laid out whole at every
/// batch (README, "Budget, measured").
pub fn console_blocks(blocks: &[String], first: u64) -> Html {
    blocks
        .iter()
        .zip(first..)
        .map(|(block, number)| {
            html! { <span class="block" key={number}>{ block }</span> }
        })
        .collect()
}
