//! `sqlx::migrate!` embeds `migrations/` when this crate compiles; a new or
//! changed migration must compile it again, which cargo only knows from here.

fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
