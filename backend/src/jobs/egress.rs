//! The webhook worker's resolver: names are resolved by [`PublicResolver`], which drops the
//! addresses webhooks may not go to ([`webhook_target::is_allowed`]), and the HTTP client
//! connects to the addresses it returned, without resolving again: a name that later points
//! inside (DNS rebinding) fails instead of connecting.

use std::net::SocketAddr;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::domain::webhook_target;

/// A DNS resolver that keeps only the addresses webhooks may go to.
#[derive(Debug, Clone, Copy)]
pub struct PublicResolver {
    pub allow_loopback: bool,
}

impl Resolve for PublicResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_loopback = self.allow_loopback;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|address| webhook_target::is_allowed(address.ip(), allow_loopback))
                .collect();
            if addresses.is_empty() {
                return Err(format!("{host} has no public address").into());
            }
            Ok(Box::new(addresses.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn names_resolving_inside_are_refused_at_send_time() {
        let strict = PublicResolver {
            allow_loopback: false,
        };
        let name: Name = "localhost".parse().expect("a name");
        let error = strict.resolve(name).await.err().expect("refused");
        assert!(error.to_string().contains("no public address"), "{error}");

        let development = PublicResolver {
            allow_loopback: true,
        };
        let name: Name = "localhost".parse().expect("a name");
        let addresses: Vec<_> = development.resolve(name).await.expect("resolved").collect();
        assert!(addresses.iter().all(|a| a.ip().is_loopback()));
        assert!(!addresses.is_empty());
    }
}
