//! The plan-tree cache: the serialised JSON of recently read trees, kept by each instance.
//!
//! A plan tree is the API's heaviest read (hundreds of actions, hundreds of KiB of JSON)
//! and its most frequent one (every page of the web app starts with it). Each request still
//! asks PostgreSQL for the CPAS's content revision (one indexed row, see migration
//! `…000007_content_revisions`) and uses the cached bytes only when that revision is the one
//! they were read at and no time-dependent flag has changed since: every instance stays
//! exact, with no invalidation messages between instances.

use std::sync::Arc;

use actix_web::web::Bytes;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::db::plans::TreeSnapshot;
use crate::domain::{PlanId, TenantId};
use crate::error::ApiError;

/// A tree ready to send.
#[derive(Debug)]
pub struct CachedTree {
    pub body: Bytes,
    /// Weak validator of the body (`W/"…"`): weak because `Compress` may re-encode it.
    pub etag: String,
    revision: i64,
    fresh_until: DateTime<Utc>,
}

impl CachedTree {
    fn new(snapshot: TreeSnapshot) -> Result<Self, ApiError> {
        let body = serde_json::to_vec(&snapshot.tree).map_err(|e| ApiError::Internal(e.into()))?;
        let digest = Sha256::digest(&body);
        let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        Ok(Self {
            body: Bytes::from(body),
            etag: format!("W/\"{hex}\""),
            revision: snapshot.revision,
            fresh_until: snapshot.fresh_until,
        })
    }
}

#[derive(Clone)]
struct ByteWeight;

impl quick_cache::Weighter<(Uuid, Uuid), Arc<CachedTree>> for ByteWeight {
    fn weight(&self, _key: &(Uuid, Uuid), tree: &Arc<CachedTree>) -> u64 {
        tree.body.len() as u64
    }
}

/// Serialised plan trees by (CPAS, plan), at most `capacity` bytes of JSON.
pub struct PlanTreeCache {
    trees: quick_cache::sync::Cache<(Uuid, Uuid), Arc<CachedTree>, ByteWeight>,
}

impl PlanTreeCache {
    pub fn new(capacity_bytes: u64) -> Self {
        // Sized for trees of about 50 KiB (a 40-action plan); bigger ones just mean fewer.
        let estimated = usize::try_from(capacity_bytes / 50_000)
            .unwrap_or(usize::MAX)
            .max(16);
        Self {
            trees: quick_cache::sync::Cache::with_weighter(estimated, capacity_bytes, ByteWeight),
        }
    }

    /// The cached tree, if it was read at `revision` and is still fresh at `now`.
    pub fn get(
        &self,
        tenant: TenantId,
        plan: PlanId,
        revision: i64,
        now: DateTime<Utc>,
    ) -> Option<Arc<CachedTree>> {
        self.trees
            .get(&(tenant.get(), plan.get()))
            .filter(|tree| tree.revision == revision && now < tree.fresh_until)
    }

    /// Serialises a freshly read tree, keeps it, and returns it.
    pub fn put(
        &self,
        tenant: TenantId,
        plan: PlanId,
        snapshot: TreeSnapshot,
    ) -> Result<Arc<CachedTree>, ApiError> {
        let tree = Arc::new(CachedTree::new(snapshot)?);
        self.trees
            .insert((tenant.get(), plan.get()), Arc::clone(&tree));
        Ok(tree)
    }
}
