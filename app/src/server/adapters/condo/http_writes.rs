//! [`CondoWriter`] for [`HttpCondoClient`]: each write sent once, lookups retried like reads.

use serde::Deserialize;
use serde_json::{Value, json};

use super::super::write::{
    COMMENT_BY_MARKER_OPERATION, CREATE_TICKET_COMMENT_OPERATION, CREATE_TICKET_FILE_OPERATION,
    CREATE_TICKET_OPERATION, CondoWriter, CreatedTicket, NewTicket, TICKET_BY_MARKER_OPERATION,
    TICKET_FILE_NAMES_OPERATION, TICKET_TARGET_OPERATION, TicketTarget, Upload, comment_input, file_input,
    multipart_body, ticket_input,
};
use super::{CondoError, HttpCondoClient, interpret};
use crate::server::adapters::retry::retry_after_of;

#[derive(Deserialize)]
struct Id {
    id: String,
}

#[derive(Deserialize)]
struct TargetData {
    property: Option<PropertyOrganization>,
    sources: Vec<Id>,
}

#[derive(Deserialize)]
struct PropertyOrganization {
    organization: Option<Id>,
}

#[derive(Deserialize)]
struct TicketData {
    ticket: Option<CreatedTicket>,
}

#[derive(Deserialize)]
struct TicketsData {
    tickets: Vec<CreatedTicket>,
}

#[derive(Deserialize)]
struct FileData {
    file: Option<Id>,
}

#[derive(Deserialize)]
struct FileNames {
    files: Vec<NamedFile>,
}

#[derive(Deserialize)]
struct NamedFile {
    id: String,
    file: Option<FileMeta>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FileMeta {
    original_filename: Option<String>,
}

#[derive(Deserialize)]
struct CommentData {
    comment: Option<Id>,
}

#[derive(Deserialize)]
struct CommentsData {
    comments: Vec<Id>,
}

fn missing(what: &str) -> CondoError {
    CondoError::Decode { detail: format!("Condo answered without the {what}") }
}

impl HttpCondoClient {
    /// Sends one write once with the cached session; a refused session (Condo did nothing) is
    /// signed in again once. Never retried otherwise: a lost answer is settled by the marker.
    async fn write_once<T: serde::de::DeserializeOwned>(
        &self,
        query: &str,
        operation: &str,
        variables: Value,
    ) -> Result<T, CondoError> {
        let token = match self.cached_token() {
            Some(token) => token,
            None => self.sign_in().await?,
        };
        match self.send_once("", query, operation, &variables, Some(&token)).await {
            Err(CondoError::Unauthenticated) => {
                self.forget_token();
                let token = self.sign_in().await?;
                self.send_once("", query, operation, &variables, Some(&token)).await
            }
            other => other,
        }
    }

    /// Posts one GraphQL multipart request once (see [`Self::write_once`]).
    async fn upload_once(&self, ticket_id: &str, file: &Upload) -> Result<FileData, CondoError> {
        let operations = json!({ "operationName": "CreateTicketFile", "query": CREATE_TICKET_FILE_OPERATION,
            "variables": { "data": file_input(ticket_id) } });
        let boundary = format!("marketplace-{}", uuid::Uuid::new_v4().simple());
        let (content_type, body) = multipart_body(&operations, file, &boundary);
        let mut signed_in_again = false;
        loop {
            let token = match self.cached_token() {
                Some(token) => token,
                None => self.sign_in().await?,
            };
            let request = self
                .http
                .post(self.settings.graphql_url())
                .header("Accept-Language", "en")
                .header("Content-Type", &content_type)
                // Condo's CSRF guard for multipart requests (graphql-upload's advice).
                .header("Apollo-Require-Preflight", "true")
                .bearer_auth(&token)
                .body(body.clone());
            let timeout = self.settings.timeout;
            let response = crate::server::request_id::propagate(request)
                .send()
                .await
                .map_err(|e| CondoError::from_transport(&e, timeout))?;
            let status = response.status().as_u16();
            let retry_after = retry_after_of(response.headers());
            let text = response.text().await.map_err(|e| CondoError::from_transport(&e, timeout))?;
            match interpret(status, retry_after, &text) {
                Err(CondoError::Unauthenticated) if !signed_in_again => {
                    self.forget_token();
                    signed_in_again = true;
                }
                other => return other,
            }
        }
    }
}

impl CondoWriter for HttpCondoClient {
    /// [Condo: `Property` and `allTicketSources`]
    async fn ticket_target(&self, property_id: &str) -> Result<TicketTarget, CondoError> {
        let data: TargetData =
            self.query("", TICKET_TARGET_OPERATION, "TicketTarget", json!({ "property": property_id })).await?;
        let organization = data.property.and_then(|p| p.organization).ok_or_else(|| CondoError::Graphql {
            code: "NOT_FOUND".into(),
            message: format!("Condo shows us no property {property_id} (or not its organization)"),
        })?;
        let source = data.sources.into_iter().next().ok_or_else(|| CondoError::Graphql {
            code: "NOT_FOUND".into(),
            message: "Condo has no ticket source of type web_app".into(),
        })?;
        Ok(TicketTarget { organization_id: organization.id, source_id: source.id })
    }

    /// [Condo: `createTicket`]
    async fn create_ticket(&self, target: &TicketTarget, ticket: &NewTicket) -> Result<CreatedTicket, CondoError> {
        let variables = json!({ "data": ticket_input(target, ticket) });
        let data: TicketData = self.write_once(CREATE_TICKET_OPERATION, "CreateTicket", variables).await?;
        data.ticket.ok_or_else(|| missing("ticket"))
    }

    /// [Condo: `allTickets` with `details_contains`]
    async fn find_ticket(&self, organization_id: &str, marker: &str) -> Result<Option<CreatedTicket>, CondoError> {
        let filter = json!({ "organization": { "id": organization_id }, "details_contains": marker });
        let data: TicketsData =
            self.query("", TICKET_BY_MARKER_OPERATION, "TicketByMarker", json!({ "where": filter })).await?;
        Ok(data.tickets.into_iter().next())
    }

    /// [Condo: `createTicketFile`, GraphQL multipart request]
    async fn upload_file(&self, ticket_id: &str, file: &Upload) -> Result<String, CondoError> {
        let data = self.upload_once(ticket_id, file).await?;
        data.file.map(|f| f.id).ok_or_else(|| missing("file"))
    }

    /// [Condo: `allTicketFiles`]
    async fn find_file(&self, ticket_id: &str, filename: &str) -> Result<Option<String>, CondoError> {
        let filter = json!({ "ticket": { "id": ticket_id } });
        let data: FileNames =
            self.query("", TICKET_FILE_NAMES_OPERATION, "TicketFileNames", json!({ "where": filter })).await?;
        let named = |f: &NamedFile| f.file.as_ref().and_then(|m| m.original_filename.as_deref()) == Some(filename);
        Ok(data.files.into_iter().find(named).map(|f| f.id))
    }

    /// [Condo: `createTicketComment`]
    async fn create_comment(&self, ticket_id: &str, content: &str, for_residents: bool) -> Result<String, CondoError> {
        let variables = json!({ "data": comment_input(ticket_id, content, for_residents) });
        let data: CommentData =
            self.write_once(CREATE_TICKET_COMMENT_OPERATION, "CreateTicketComment", variables).await?;
        data.comment.map(|c| c.id).ok_or_else(|| missing("comment"))
    }

    /// [Condo: `allTicketComments` with `content_contains`]
    async fn find_comment(&self, ticket_id: &str, marker: &str) -> Result<Option<String>, CondoError> {
        let filter = json!({ "ticket": { "id": ticket_id }, "content_contains": marker });
        let data: CommentsData =
            self.query("", COMMENT_BY_MARKER_OPERATION, "CommentByMarker", json!({ "where": filter })).await?;
        Ok(data.comments.into_iter().next().map(|c| c.id))
    }
}
