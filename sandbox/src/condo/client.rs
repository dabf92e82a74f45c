//! [`ApiClient`]: Condo's API as its own clients use it, over real HTTP, for tests and the
//! demo: sign in (the staff account, or a resident's token), read with any operation, and
//! write tickets, comments and files through Condo's mutations (files by the GraphQL multipart
//! request spec). Nothing here reaches into the emulator's memory.

use super::config::Credentials;
use anyhow::{Context as _, bail};
use serde_json::{Value, json};
use std::time::Duration;

/// The sender every write of this client carries.
const SENDER: &str = "sandbox-api-client";

/// A signed-in client of one Condo (the emulator or a real one).
#[derive(Debug, Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    url: String,
    token: String,
}

impl ApiClient {
    /// Signs in at `base_url` (`http://host:port`) as the staff account of `credentials`.
    pub async fn staff(base_url: &str, credentials: &Credentials) -> anyhow::Result<Self> {
        let mut client = Self::with_token(base_url, "");
        let query = "mutation SignIn($phone: String!, $password: String!) { auth: authenticateUserWithPhoneAndPassword(data: { phone: $phone, password: $password, userType: staff, dv: 1, sender: { dv: 1, fingerprint: \"sandbox-api-client\" } }) { token } }";
        let variables = json!({ "phone": credentials.phone, "password": credentials.password });
        let data = client.data(query, variables).await.context("signing in")?;
        client.token = data["auth"]["token"].as_str().context("no token in the sign-in answer")?.to_owned();
        Ok(client)
    }

    /// A client using a token obtained elsewhere (a resident's, from `POST /__sandbox/residents`).
    pub fn with_token(base_url: &str, token: &str) -> Self {
        let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap_or_default();
        Self { http, url: format!("{}/admin/api", base_url.trim_end_matches('/')), token: token.to_owned() }
    }

    /// The session token.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Runs an operation and returns its `data`; GraphQL errors are an error.
    pub async fn data(&self, query: &str, variables: Value) -> anyhow::Result<Value> {
        let mut request = self.http.post(&self.url).header("Accept-Language", "en");
        if !self.token.is_empty() {
            request = request.bearer_auth(&self.token);
        }
        let body: Value = request.json(&json!({ "query": query, "variables": variables })).send().await?.json().await?;
        answer(body)
    }

    /// `createTicket` with `data` (`dv` and `sender` are added); returns the ticket's `id`,
    /// `number` and `details`.
    pub async fn create_ticket(&self, mut data: Value) -> anyhow::Result<Value> {
        data["dv"] = json!(1);
        data["sender"] = json!({ "dv": 1, "fingerprint": SENDER });
        let query = "mutation CreateTicket($data: TicketCreateInput!) { ticket: createTicket(data: $data) { id number details } }";
        Ok(self.data(query, json!({ "data": data })).await?["ticket"].clone())
    }

    /// `createTicketComment` of `kind` (`organization` or `resident`); returns its `id`.
    pub async fn comment(&self, ticket: &str, kind: &str, content: &str) -> anyhow::Result<String> {
        let data = json!({ "dv": 1, "sender": { "dv": 1, "fingerprint": SENDER }, "type": kind, "content": content,
            "ticket": { "connect": { "id": ticket } } });
        let query = "mutation CreateComment($data: TicketCommentCreateInput!) { comment: createTicketComment(data: $data) { id } }";
        let data = self.data(query, json!({ "data": data })).await?;
        Ok(data["comment"]["id"].as_str().context("no comment id")?.to_owned())
    }

    /// `createTicketFile` with an upload named `filename` of type `mimetype`; returns the
    /// `TicketFile` with `id` and `file { publicUrl originalFilename }`.
    pub async fn upload(&self, ticket: &str, filename: &str, mimetype: &str, bytes: &[u8]) -> anyhow::Result<Value> {
        let query = "mutation CreateFile($data: TicketFileCreateInput!) { file: createTicketFile(data: $data) { id file { publicUrl originalFilename } } }";
        let data = json!({ "dv": 1, "sender": { "dv": 1, "fingerprint": SENDER },
            "ticket": { "connect": { "id": ticket } }, "file": null });
        let operations = json!({ "query": query, "variables": { "data": data }, "operationName": "CreateFile" });
        let boundary = "sandbox-api-client-boundary";
        let mut body = Vec::new();
        let mut part = |headers: &str, content: &[u8]| {
            body.extend_from_slice(format!("--{boundary}\r\n{headers}\r\n\r\n").as_bytes());
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n");
        };
        part("Content-Disposition: form-data; name=\"operations\"", operations.to_string().as_bytes());
        part("Content-Disposition: form-data; name=\"map\"", br#"{"0":["variables.data.file"]}"#);
        let file =
            format!("Content-Disposition: form-data; name=\"0\"; filename=\"{filename}\"\r\nContent-Type: {mimetype}");
        part(&file, bytes);
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let request = self
            .http
            .post(&self.url)
            .bearer_auth(&self.token)
            .header("Content-Type", format!("multipart/form-data; boundary={boundary}"))
            .body(body);
        let answer_body: Value = request.send().await?.json().await?;
        Ok(answer(answer_body)?["file"].clone())
    }
}

/// `data` of an answer, or its first error.
fn answer(body: Value) -> anyhow::Result<Value> {
    if let Some(error) = body.get("errors").and_then(|e| e.get(0)) {
        bail!("Condo refused: {error}");
    }
    Ok(body.get("data").cloned().unwrap_or(Value::Null))
}
