//! Where the bytes of evidence files live: an object store, through the `object_store`
//! crate. A local folder by default (`cargo xtask run` puts it in `.data/files`), any
//! S3-compatible store in production (`PST_FILE_STORE=s3://bucket/prefix`, with the
//! `AWS_*` settings of `object_store`'s `AmazonS3Builder::from_env`). The database keeps what
//! each file is; this keeps only its bytes, under the key the database names.

use std::sync::Arc;

use bytes::Bytes;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

/// A failure of the store, apart from a missing object.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The object is not there (a file removed, or lost by the store).
    #[error("no object {0}")]
    Missing(String),
    #[error("the file store failed: {0}")]
    Failed(#[from] object_store::Error),
}

/// The object store the server keeps files in.
#[derive(Clone)]
pub struct FileStore {
    store: Arc<dyn ObjectStore>,
}

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FileStore({})", self.store)
    }
}

impl FileStore {
    /// The store a setting names: `s3://bucket[/prefix]`, or a local folder (a path, or a
    /// `file://` URL), created when missing.
    pub fn open(setting: &str) -> anyhow::Result<Self> {
        let store: Arc<dyn ObjectStore> = if setting.starts_with("s3://") {
            let url = url::Url::parse(setting)?;
            let s3 = object_store::aws::AmazonS3Builder::from_env()
                .with_url(setting)
                .build()?;
            let prefix = url.path().trim_matches('/');
            if prefix.is_empty() {
                Arc::new(s3)
            } else {
                Arc::new(object_store::prefix::PrefixStore::new(s3, prefix))
            }
        } else {
            let folder = setting.strip_prefix("file://").unwrap_or(setting);
            std::fs::create_dir_all(folder)
                .map_err(|e| anyhow::anyhow!("cannot create the file store {folder}: {e}"))?;
            Arc::new(object_store::local::LocalFileSystem::new_with_prefix(
                folder,
            )?)
        };
        Ok(Self { store })
    }

    /// Keeps `bytes` under `key`.
    pub async fn put(&self, key: &str, bytes: Bytes) -> Result<(), StoreError> {
        self.store
            .put(&Path::from(key), PutPayload::from(bytes))
            .await?;
        Ok(())
    }

    /// The bytes kept under `key`.
    pub async fn get(&self, key: &str) -> Result<Bytes, StoreError> {
        match self.store.get(&Path::from(key)).await {
            Ok(found) => Ok(found.bytes().await?),
            Err(object_store::Error::NotFound { .. }) => Err(StoreError::Missing(key.to_owned())),
            Err(other) => Err(other.into()),
        }
    }

    /// Forgets what is kept under `key` (nothing there is not a failure).
    pub async fn delete(&self, key: &str) -> Result<(), StoreError> {
        match self.store.delete(&Path::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(other) => Err(other.into()),
        }
    }
}
