//! The markers that keep our writes to Condo single. Condo has no idempotency key for
//! tickets, comments or files, so each record we send carries our id in a place Condo
//! keeps and lets us search or list: `[mp:<uuid>]` at the end of a ticket's `details`
//! (found with `allTickets(where: { details_contains })`) or of a comment's `content`,
//! and `mp-<uuid>.<ext>` as a file's name (listed by `allTicketFiles` of the ticket).
//! Before any resend the outbox looks the marker up; the import maps a marked record back
//! to our row and shows the text without the marker.

use uuid::Uuid;

const OPEN: &str = "[mp:";

/// The marker of record `id`, as it ends a ticket's details or a comment's content.
pub fn marker(id: Uuid) -> String {
    format!("{OPEN}{id}]")
}

/// `text` with the marker of `id` appended on a line of its own.
pub fn marked(text: &str, id: Uuid) -> String {
    format!("{}\n\n{}", text.trim_end(), marker(id))
}

/// Our id, when `text` carries a marker (the last one wins).
pub fn find(text: &str) -> Option<Uuid> {
    let start = text.rfind(OPEN)? + OPEN.len();
    let rest = &text[start..];
    let end = rest.find(']')?;
    Uuid::parse_str(&rest[..end]).ok()
}

/// `text` without its marker (and the blank lines before it): what people read.
pub fn strip(text: &str) -> String {
    let Some(id) = find(text) else { return text.to_owned() };
    let tag = marker(id);
    match text.rfind(&tag) {
        Some(at) => format!("{}{}", text[..at].trim_end(), &text[at + tag.len()..]),
        None => text.to_owned(),
    }
}

/// The name a file of ours carries in Condo: `mp-<id>.<extension>`.
pub fn file_name(id: Uuid, extension: &str) -> String {
    format!("mp-{id}.{extension}")
}

/// Our id, when a file's name is one of ours.
pub fn find_in_file_name(name: &str) -> Option<Uuid> {
    let rest = name.strip_prefix("mp-")?;
    let stem = rest.split_once('.').map_or(rest, |(stem, _)| stem);
    Uuid::parse_str(stem).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marked_text_gives_its_id_back_and_reads_as_written() {
        let id = Uuid::new_v4();
        let text = marked("The kitchen tap leaks.\n", id);
        assert!(text.ends_with(&format!("\n\n[mp:{id}]")), "{text}");
        assert_eq!(find(&text), Some(id));
        assert_eq!(strip(&text), "The kitchen tap leaks.");
        assert_eq!(find("No marker [mp:not-a-uuid]"), None);
        assert_eq!(strip("No marker here"), "No marker here");
    }

    #[test]
    fn a_file_name_gives_its_id_back() {
        let id = Uuid::new_v4();
        assert_eq!(find_in_file_name(&file_name(id, "jpg")), Some(id));
        assert_eq!(find_in_file_name("leak.jpg"), None);
        assert_eq!(find_in_file_name(&format!("mp-{id}")), Some(id));
    }
}
