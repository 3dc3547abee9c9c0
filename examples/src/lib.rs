//! Runnable examples of the generated server crates.
//!
//! - [`in_memory`]: a Configuration API server keeping workspaces in memory,
//!   written against the generated `airbyte-config-api-server` (the requests
//!   it gets are already validated against the spec).
//! - [`baseline`]: the same work written by hand with axum extractors, as a
//!   performance reference for the generated router.
//!
//! Both serve the same routes with the same store, so a load generator can
//! compare them (see the binaries in `src/bin`).

pub mod baseline;
pub mod in_memory;

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::RwLock;

use airbyte_config_api_server::types::{WorkspaceCreateRequest, WorkspaceResponse};
use uuid::Uuid;

/// Workspaces by id; what both servers store.
#[derive(Debug, Default)]
pub struct Store {
    workspaces: RwLock<BTreeMap<Uuid, WorkspaceResponse>>,
    next_id: AtomicU64,
}

impl Store {
    pub fn create(&self, request: WorkspaceCreateRequest) -> WorkspaceResponse {
        // Sequential ids keep the example free of a random number generator.
        let n = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let workspace = WorkspaceResponse {
            workspace_id: Uuid::from_u128(u128::from(n)),
            name: request.name,
            data_residency: "auto".into(),
            notifications: request.notifications.unwrap_or_default(),
        };
        self.write().insert(workspace.workspace_id, workspace.clone());
        workspace
    }

    pub fn get(&self, id: Uuid) -> Option<WorkspaceResponse> {
        self.read().get(&id).cloned()
    }

    pub fn delete(&self, id: Uuid) -> bool {
        self.write().remove(&id).is_some()
    }

    /// A page of workspaces (all, or only `ids`), in id order.
    pub fn list(&self, ids: Option<&[Uuid]>, offset: usize, limit: usize) -> Vec<WorkspaceResponse> {
        let all = self.read();
        let selected = all.values().filter(|w| ids.is_none_or(|ids| ids.contains(&w.workspace_id)));
        selected.skip(offset).take(limit).cloned().collect()
    }

    // A panic while holding the lock cannot leave a workspace half-written, so a poisoned lock is still usable.
    fn read(&self) -> std::sync::RwLockReadGuard<'_, BTreeMap<Uuid, WorkspaceResponse>> {
        self.workspaces.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, BTreeMap<Uuid, WorkspaceResponse>> {
        self.workspaces.write().unwrap_or_else(|e| e.into_inner())
    }
}

/// `--port N` (default 8080) and `--host ADDR` (default 127.0.0.1) from the command line.
pub fn address_from_args() -> Result<SocketAddr, String> {
    let mut port: u16 = 8080;
    let mut host = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--port" => port = value()?.parse().map_err(|e| format!("--port: {e}"))?,
            "--host" => host = value()?.parse().map_err(|e| format!("--host: {e}"))?,
            other => return Err(format!("unknown argument `{other}`; usage: [--port N] [--host ADDR]")),
        }
    }
    Ok(SocketAddr::new(host, port))
}

/// Serve `app` on the address from the command line until the process is stopped.
pub async fn run(name: &str, app: axum::Router) -> Result<(), Box<dyn std::error::Error>> {
    let listener = tokio::net::TcpListener::bind(address_from_args()?).await?;
    println!("{name} listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
