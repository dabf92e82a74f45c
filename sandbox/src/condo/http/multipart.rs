//! The GraphQL multipart request spec (graphql-upload, which Keystone 5 mounts in front of
//! Apollo): an `operations` field with the JSON request, a `map` field saying which variable
//! each file goes to (`{"0": ["variables.data.file"]}`), then one part per file.
//!
//! Files are read into memory. A file over the limit is kept as "too large" and the mutation
//! using it fails, as graphql-upload's truncated-file error fails the resolver in Condo.

use crate::condo::exec::GraphqlRequest;
use crate::condo::exec::create::{UPLOAD_MARKER, Upload};
use axum::body::Body;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// Keystone's `maxFiles` for graphql-upload.
const MAX_FILES: usize = 5;

/// Reads a multipart GraphQL request; the error is the text of a 400 answer.
pub async fn read(body: Body, content_type: &str, limit: usize) -> Result<GraphqlRequest, String> {
    let boundary = multer::parse_boundary(content_type).map_err(|e| e.to_string())?;
    let mut multipart = multer::Multipart::new(body.into_data_stream(), boundary);
    let (mut operations, mut map) = (None, None);
    let mut files: HashMap<String, Upload> = HashMap::new();
    while let Some(mut field) = multipart.next_field().await.map_err(|e| e.to_string())? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "operations" => operations = Some(field.text().await.map_err(|e| e.to_string())?),
            "map" => map = Some(field.text().await.map_err(|e| e.to_string())?),
            _ if files.len() >= MAX_FILES => return Err(format!("{MAX_FILES} max file uploads exceeded.")),
            _ => {
                let mut upload = Upload {
                    filename: field.file_name().unwrap_or("upload").to_owned(),
                    mimetype: field.content_type().map_or("application/octet-stream".to_owned(), |m| m.to_string()),
                    ..Upload::default()
                };
                while let Some(chunk) = field.chunk().await.map_err(|e| e.to_string())? {
                    upload.too_large |= upload.bytes.len() + chunk.len() > limit;
                    if !upload.too_large {
                        upload.bytes.extend_from_slice(&chunk);
                    }
                }
                files.insert(name, upload);
            }
        }
    }
    let operations = operations.ok_or("Misordered multipart fields; expected ‘operations’ first.")?;
    let mut request: GraphqlRequest =
        serde_json::from_str(&operations).map_err(|_| "Invalid JSON in the ‘operations’ multipart field.")?;
    let map: Map<String, Value> = match map {
        Some(map) => serde_json::from_str(&map).map_err(|_| "Invalid JSON in the ‘map’ multipart field.")?,
        None => Map::new(),
    };
    for (key, paths) in map {
        let upload = files.remove(&key).ok_or_else(|| format!("File missing in the request for key ‘{key}’."))?;
        let index = request.uploads.len();
        request.uploads.push(upload);
        for path in paths.as_array().into_iter().flatten().filter_map(Value::as_str) {
            place(&mut request, path, json!({ UPLOAD_MARKER: index }))?;
        }
    }
    Ok(request)
}

/// Puts `value` at `path` (`variables.data.file`, `variables.files.0`) in the request.
fn place(request: &mut GraphqlRequest, path: &str, value: Value) -> Result<(), String> {
    let mut parts = path.split('.');
    if parts.next() != Some("variables") {
        return Err(format!("Invalid object path for the ‘map’ multipart field entry: {path}."));
    }
    let mut slot =
        request.variables.get_or_insert_with(Map::new).entry(parts.next().unwrap_or_default()).or_insert(Value::Null);
    for part in parts {
        slot = match slot {
            Value::Array(items) => part.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
            Value::Object(object) => Some(object.entry(part).or_insert(Value::Null)),
            _ => None,
        }
        .ok_or_else(|| format!("Invalid object path for the ‘map’ multipart field entry: {path}."))?;
    }
    *slot = value;
    Ok(())
}
