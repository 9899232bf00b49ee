//! The addresses to give students: the page's URLs on every network address the relay listens on.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// The `http://` URLs of the page served on `listen`: for an unspecified bind (`0.0.0.0`, `::`) one per
/// non-loopback IPv4 address of the machine, else the bound address itself (`http://127.0.0.1:PORT/` on loopback).
/// Empty when the bind is unspecified and the machine has no such address (no network).
pub fn page_urls(listen: SocketAddr) -> Vec<String> {
    if !listen.ip().is_unspecified() {
        return vec![url(listen)];
    }
    let mut ips: Vec<Ipv4Addr> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|interface| match interface.ip() {
            IpAddr::V4(ip) if !ip.is_loopback() => Some(ip),
            _ => None,
        })
        .collect();
    ips.sort();
    ips.dedup();
    ips.into_iter()
        .map(|ip| url(SocketAddr::new(IpAddr::V4(ip), listen.port())))
        .collect()
}

fn url(addr: SocketAddr) -> String {
    // SocketAddr's Display writes IPv6 addresses in brackets, as URLs need them.
    format!("http://{addr}/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_specific_bind_gives_its_own_url() {
        assert_eq!(
            page_urls("127.0.0.1:8080".parse().unwrap()),
            ["http://127.0.0.1:8080/"]
        );
        assert_eq!(
            page_urls("192.168.1.20:8080".parse().unwrap()),
            ["http://192.168.1.20:8080/"]
        );
        assert_eq!(
            page_urls("[::1]:8080".parse().unwrap()),
            ["http://[::1]:8080/"]
        );
    }

    #[test]
    fn an_unspecified_bind_gives_the_machines_non_loopback_ipv4_addresses() {
        let urls = page_urls("0.0.0.0:8080".parse().unwrap());
        let expected: Vec<String> = if_addrs::get_if_addrs()
            .unwrap()
            .into_iter()
            .filter(|i| i.ip().is_ipv4() && !i.is_loopback())
            .map(|i| format!("http://{}:8080/", i.ip()))
            .collect();
        for u in &urls {
            assert!(expected.contains(u), "{u} not among {expected:?}");
            assert!(!u.contains("127.0.0.1"), "{u}");
        }
        assert_eq!(urls.is_empty(), expected.is_empty());
    }
}
