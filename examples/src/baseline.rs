//! The in-memory workspaces server written by hand with axum extractors:
//! the same routes, store and JSON types as [`in_memory`](super::in_memory),
//! without the generated router's spec validation. A reference point for the
//! generated code's overhead, not an example to follow.

use std::sync::Arc;

use airbyte_config_api_server::types::{WorkspaceCreateRequest, WorkspaceResponse, WorkspacesResponse};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use uuid::Uuid;

use super::Store;

async fn health() -> StatusCode {
    StatusCode::OK
}

async fn create(State(store): State<Arc<Store>>, Json(body): Json<WorkspaceCreateRequest>) -> Json<WorkspaceResponse> {
    Json(store.create(body))
}

async fn list(State(store): State<Arc<Store>>) -> Json<WorkspacesResponse> {
    Json(WorkspacesResponse { data: store.list(None, 0, 20), next: None, previous: None })
}

async fn read(State(store): State<Arc<Store>>, Path(id): Path<Uuid>) -> Result<Json<WorkspaceResponse>, StatusCode> {
    store.get(id).map(Json).ok_or(StatusCode::NOT_FOUND)
}

async fn delete(State(store): State<Arc<Store>>, Path(id): Path<Uuid>) -> StatusCode {
    if store.delete(id) {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::NOT_FOUND
    }
}

/// The hand-written router.
pub fn app() -> Router {
    Router::new()
        .route("/public/v1/health", get(health))
        .route("/public/v1/workspaces", get(list).post(create))
        .route("/public/v1/workspaces/{workspaceId}", get(read).delete(delete))
        .with_state(Arc::new(Store::default()))
}
