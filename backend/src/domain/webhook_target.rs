//! Where the server may send webhooks: public addresses only. A tenant must not be able to
//! make the server call its own network (the database, a cloud metadata service at
//! 169.254.169.254, an internal admin page) by registering a webhook there (SSRF).
//!
//! One rule, [`is_public_unicast`], applied twice: at registration to a URL whose host is an
//! IP ([`parse_url`]), and at each send, to that IP again (rules tighten; old rows stay) and
//! to every address a name resolves to (the webhook worker's resolver, `jobs::egress`).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use api_types::ProblemCode;

use crate::error::ApiError;

/// A webhook's target: `https://`, or `http://` to loopback when allowed (development).
pub fn parse_url(url: &str, allow_loopback_http: bool) -> Result<String, ApiError> {
    let invalid = |message: &str| ApiError::invalid_field("url", ProblemCode::InvalidUrl, message);
    let parsed = url::Url::parse(url.trim()).map_err(|_| invalid("not a URL"))?;
    if !scheme_allowed(&parsed, allow_loopback_http) {
        return Err(invalid(if parsed.scheme() == "http" {
            "webhooks are sent over HTTPS only"
        } else {
            "an https:// URL"
        }));
    }
    // An IP written in the URL is refused at once; names are checked at each send, when
    // they are resolved.
    if !literal_host_allowed(&parsed, allow_loopback_http) {
        return Err(ApiError::invalid_field(
            "url",
            ProblemCode::NotPublicAddress,
            "a public address: webhooks are not sent to private, local or reserved networks",
        ));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid(
            "no credentials in the URL: the signature authenticates us",
        ));
    }
    if parsed.as_str().len() > 2000 {
        return Err(ApiError::invalid_field(
            "url",
            ProblemCode::TooLong,
            "at most 2000 characters",
        ));
    }
    Ok(parsed.to_string())
}

/// Whether webhooks may go to `ip`: a public unicast address, or loopback when
/// `allow_loopback` (the development setting `PST_WEBHOOK_ALLOW_LOOPBACK_HTTP`).
pub fn is_allowed(ip: IpAddr, allow_loopback: bool) -> bool {
    let loopback = match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    };
    (allow_loopback && loopback) || is_public_unicast(ip)
}

/// Whether `ip` is a public unicast address, in every form an address can be written:
/// an IPv6 address that carries an IPv4 one (mapped, NAT64, 6to4) is judged by that IPv4
/// address; the other IPv6 forms that lead into IPv4 or local networks (compatible,
/// translated, Teredo, local-use NAT64) are refused whole.
pub fn is_public_unicast(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(a == 0 // 0.0.0.0/8, "this network"
        || ip.is_loopback() // 127/8
        || ip.is_private() // 10/8, 172.16/12, 192.168/16
        || ip.is_link_local() // 169.254/16: cloud metadata lives here
        || (a == 100 && (64..128).contains(&b)) // 100.64/10, carrier-grade NAT
        || (a == 192 && b == 0 && c == 0) // 192.0.0/24, protocol assignments
        || (a == 192 && b == 88 && c == 99) // 192.88.99/24, former 6to4 relays
        || ip.is_documentation() // 192.0.2/24, 198.51.100/24, 203.0.113/24
        || (a == 198 && (18..20).contains(&b)) // 198.18/15, benchmarking
        || ip.is_multicast() // 224/4
        || a >= 240) // 240/4 reserved, and 255.255.255.255 broadcast
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    let embedded = |high: u16, low: u16| {
        let [a, b] = high.to_be_bytes();
        let [c, d] = low.to_be_bytes();
        Ipv4Addr::new(a, b, c, d)
    };
    // ::ffff:0:0/96, IPv4-mapped: the IPv4 address is where the connection goes.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    // 64:ff9b::/96, the well-known NAT64 prefix: a NAT64 gateway connects to the last 32 bits.
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return is_public_v4(embedded(s[6], s[7]));
    }
    // 2002::/16, 6to4: a relay connects to the IPv4 address in bits 16–47.
    if s[0] == 0x2002 {
        return is_public_v4(embedded(s[1], s[2]));
    }
    // Only 2000::/3 is global unicast. Outside it: ::/96 (unspecified, loopback, the
    // deprecated IPv4-compatible ::a.b.c.d), ::ffff:0:0:0/96 (IPv4-translated), 100::/64
    // (discard), 64:ff9b:1::/48 (local-use NAT64), 5f00::/16 (SRv6), fc00::/7 (unique
    // local), fe80::/10 (link-local), fec0::/10 (site-local), ff00::/8 (multicast).
    if s[0] & 0xe000 != 0x2000 {
        return false;
    }
    // 2001::/23, IETF protocol assignments: Teredo 2001::/32 (tunnels to any IPv4),
    // benchmarking 2001:2::/48, ORCHID 2001:10::/28 and 2001:20::/28.
    let protocol_assignments = s[0] == 0x2001 && s[1] < 0x0200;
    let documentation = (s[0] == 0x2001 && s[1] == 0x0db8) // 2001:db8::/32
        || (s[0] == 0x3fff && s[1] < 0x1000); // 3fff::/20
    !protocol_assignments && !documentation
}

/// Whether a webhook may be sent to `url` as it is written: its host, when an IP, must be
/// allowed ([`is_allowed`]). Names are checked when they are resolved (`jobs::egress`).
/// Whether the server may call `url` by its scheme: `https://`, or `http://` to loopback
/// when allowed (development). The identity providers' addresses meet it too.
pub fn scheme_allowed(url: &url::Url, allow_loopback_http: bool) -> bool {
    let loopback = matches!(url.host(), Some(url::Host::Domain("localhost")))
        || matches!(url.host(), Some(url::Host::Ipv4(ip)) if ip.is_loopback())
        || matches!(url.host(), Some(url::Host::Ipv6(ip)) if ip.is_loopback());
    url.scheme() == "https" || (url.scheme() == "http" && allow_loopback_http && loopback)
}

pub fn literal_host_allowed(url: &url::Url, allow_loopback: bool) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => is_allowed(IpAddr::V4(ip), allow_loopback),
        Some(url::Host::Ipv6(ip)) => is_allowed(IpAddr::V6(ip), allow_loopback),
        Some(url::Host::Domain(_)) => true,
        None => false,
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
            "1.1.1.1",
            "193.191.244.10",
            "2a02:2788::1",
            "2001:4860:4860::8888",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
        ] {
            assert!(allowed(ip), "{ip}");
        }
    }

    #[test]
    fn internal_addresses_are_refused_in_every_form() {
        for ip in [
            // IPv4
            "0.0.0.0",
            "0.1.2.3",
            "127.0.0.1",
            "127.8.9.10",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.254",
            "192.0.0.8",
            "192.0.2.1",
            "198.51.100.7",
            "203.0.113.9",
            "198.18.0.1",
            "198.19.255.255",
            "192.88.99.1",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
            // IPv6
            "::",
            "::1",
            "fc00::1",
            "fd00::1",
            "fe80::1",
            "febf::1",
            "fec0::1",
            "feff::1",
            "ff02::1",
            "ff05::2",
            "2001:db8::1",
            "3fff::1",
            "100::1",
            "2001:2::1",
            "2001:10::1",
            "2001:20::1",
            "5f00::1",
            "::ffff:10.0.0.1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:0:a9fe:a9fe",
            "::ffff:0:808:808",
            "::a9fe:a9fe",
            "::10.0.0.1",
            "::8.8.8.8",
            "2002:a9fe:a9fe::",
            "2002:a00:1::1",
            "2002:7f00:1::",
            "2001::1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "64:ff9b::a00:1",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b::7f00:1",
            "64:ff9b:1::808:808",
        ] {
            assert!(!allowed(ip), "{ip}");
        }
    }

    #[test]
    fn loopback_only_in_development_and_nothing_else_with_it() {
        for ip in ["127.0.0.1", "::1", "::ffff:127.0.0.1"] {
            assert!(is_allowed(ip.parse().expect("IP"), true), "{ip}");
        }
        for ip in ["10.0.0.1", "169.254.169.254", "::a9fe:a9fe", "fec0::1"] {
            assert!(!is_allowed(ip.parse().expect("IP"), true), "{ip}");
        }
    }

    #[test]
    fn urls_written_with_an_ip_are_checked_before_sending() {
        let url = |u: &str| url::Url::parse(u).expect("a URL");
        assert!(literal_host_allowed(
            &url("https://[2a02:2788::1]/hook"),
            false
        ));
        assert!(literal_host_allowed(&url("https://hooks.example/x"), false));
        assert!(!literal_host_allowed(&url("https://[::a9fe:a9fe]/"), false));
        assert!(!literal_host_allowed(
            &url("https://169.254.169.254/"),
            false
        ));
        assert!(!literal_host_allowed(&url("http://127.0.0.1:9/"), false));
        assert!(literal_host_allowed(&url("http://127.0.0.1:9/"), true));
    }
}
