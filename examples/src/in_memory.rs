//! A Configuration API server that keeps workspaces in memory, on the
//! generated server crate: create, list, get and delete (`/public/v1/workspaces`),
//! plus the health check. Every other operation answers `501`.

use std::sync::Arc;

use airbyte_config_api_server::ops::{
    public_create_workspace as create, public_delete_workspace as delete, public_get_health_check as health,
    public_get_workspace as get, public_list_workspaces as list,
};
use airbyte_config_api_server::types::WorkspacesResponse;
use airbyte_config_api_server::{Api, RequestContext};

use super::Store;

/// The implementation: the generated router has checked every request against the spec.
#[derive(Debug, Default, Clone)]
pub struct InMemory {
    pub store: Arc<Store>,
}

impl Api for InMemory {
    async fn public_get_health_check(&self, _request: health::Request, _context: RequestContext) -> health::Response {
        health::Response::Ok
    }

    async fn public_create_workspace(&self, request: create::Request, _context: RequestContext) -> create::Response {
        create::Response::Ok(self.store.create(request.body))
    }

    async fn public_list_workspaces(&self, request: list::Request, _context: RequestContext) -> list::Response {
        let offset = request.offset.unwrap_or(0).max(0) as usize;
        let limit = request.limit.unwrap_or(20).clamp(1, 100) as usize;
        let data = self.store.list(request.workspace_ids.as_deref(), offset, limit);
        list::Response::Ok(WorkspacesResponse { data, next: None, previous: None })
    }

    async fn public_get_workspace(&self, request: get::Request, _context: RequestContext) -> get::Response {
        match self.store.get(request.workspace_id) {
            Some(w) => get::Response::Ok(w),
            None => get::Response::NotFound,
        }
    }

    async fn public_delete_workspace(&self, request: delete::Request, _context: RequestContext) -> delete::Response {
        if self.store.delete(request.workspace_id) {
            delete::Response::NoContent
        } else {
            delete::Response::NotFound
        }
    }
}

/// The router serving [`InMemory`].
pub fn app() -> axum::Router {
    airbyte_config_api_server::router(InMemory::default())
}
