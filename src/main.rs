//! DStream Lab web app (the yew front end arrives with the app issue).
fn main() {}
