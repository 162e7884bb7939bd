//! Where the server may send webhooks: public addresses only. A tenant must not be able to
//! make the server call its own network (the database, a cloud metadata service at
//! 169.254.169.254, an internal admin page) by registering a webhook there (SSRF).
//!
//! Two gates: a URL whose host is a non-public IP is refused at registration, and names are
//! resolved by [`PublicResolver`], which drops non-public addresses at send time, so a name
//! that later points inside (DNS rebinding) fails instead of connecting.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Whether `ip` is a public unicast address; loopback only when `allow_loopback` (the
/// development setting `PST_WEBHOOK_ALLOW_LOOPBACK_HTTP`).
pub fn is_allowed(ip: IpAddr, allow_loopback: bool) -> bool {
    if ip.is_loopback() {
        return allow_loopback;
    }
    match ip {
        IpAddr::V4(ip) => is_public_v4(ip),
        IpAddr::V6(ip) => match ip.to_ipv4_mapped() {
            Some(v4) => is_allowed(IpAddr::V4(v4), allow_loopback),
            None => is_public_v6(ip),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || a == 0 // "this network"
        || ip.is_private() // 10/8, 172.16/12, 192.168/16
        || ip.is_link_local() // 169.254/16: cloud metadata lives here
        || (a == 100 && (64..128).contains(&b)) // 100.64/10, carrier-grade NAT
        || (a == 192 && b == 0 && c == 0) // 192.0.0/24, protocol assignments
        || ip.is_documentation()
        || (a == 198 && (18..20).contains(&b)) // 198.18/15, benchmarking
        || ip.is_multicast()
        || a >= 240) // reserved and broadcast
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // fc00::/7, unique local
        || (first & 0xffc0) == 0xfe80 // fe80::/10, link-local
        || (first == 0x2001 && ip.segments()[1] == 0x0db8) // documentation
        || (first == 0x0064 && ip.segments()[1] == 0xff9b)) // NAT64 (embeds IPv4)
}

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
                .filter(|address| is_allowed(address.ip(), allow_loopback))
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

    fn allowed(ip: &str) -> bool {
        is_allowed(ip.parse().expect("an IP"), false)
    }

    #[test]
    fn public_addresses_are_allowed() {
        for ip in [
            "8.8.8.8",
            "193.191.244.10",
            "2a02:2788::1",
            "::ffff:8.8.8.8",
        ] {
            assert!(allowed(ip), "{ip}");
        }
    }

    #[test]
    fn internal_addresses_are_refused() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:10.0.0.1",
            "::ffff:127.0.0.1",
            "64:ff9b::a00:1",
        ] {
            assert!(!allowed(ip), "{ip}");
        }
        assert!(is_allowed("127.0.0.1".parse().expect("IP"), true));
        assert!(!is_allowed("10.0.0.1".parse().expect("IP"), true));
    }

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
