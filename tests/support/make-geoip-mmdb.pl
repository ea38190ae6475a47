#!/usr/bin/perl
# Writes two tiny MaxMind DB files for the geoip tests (no download, no network):
#   <dir>/country.mmdb  GeoLite2-Country layout: country.iso_code, country.names.en
#   <dir>/asn.mmdb      GeoLite2-ASN layout: autonomous_system_number, _organization
#   <dir>/country-code.mmdb  ip-location-db's country layout: a top-level country_code
# 198.51.100.0/24 (TEST-NET-2) is "DE"/AS64500 and 203.0.113.0/24 (TEST-NET-3) is
# "JP"/AS64501 here; the addresses are documentation ranges and are never contacted.
# A third entry, 2001:db8::/32, is "FR" (IPv6 path).
# Usage: make-geoip-mmdb.pl DIR
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my $dir = shift or die "usage: $0 DIR\n";

sub write_tree {
    my ($path, $type, $types, $entries) = @_;
    my $tree = MaxMind::DB::Writer::Tree->new(
        ip_version            => 6,
        record_size           => 24,
        database_type         => $type,
        languages             => ['en'],
        description           => { en => 'decnet geoip test data' },
        map_key_type_callback => sub { $types->{ $_[0] } },
        remove_reserved_networks => 0,
    );
    for my $e (@$entries) { $tree->insert_network($e->[0], $e->[1]); }
    open my $fh, '>:raw', $path or die "$path: $!\n";
    $tree->write_tree($fh);
    close $fh or die "$path: $!\n";
}

write_tree("$dir/country.mmdb", 'GeoLite2-Country',
    { country => 'map', iso_code => 'utf8_string', names => 'map', en => 'utf8_string',
      geoname_id => 'uint32' },
    [ [ '198.51.100.0/24', { country => { iso_code => 'DE', geoname_id => 2921044,
                                          names => { en => 'Germany' } } } ],
      [ '203.0.113.0/24',  { country => { iso_code => 'JP', geoname_id => 1861060,
                                          names => { en => 'Japan' } } } ],
      [ '2001:db8::/32',   { country => { iso_code => 'FR', geoname_id => 3017382,
                                          names => { en => 'France' } } } ] ]);

write_tree("$dir/asn.mmdb", 'GeoLite2-ASN',
    { autonomous_system_number => 'uint32', autonomous_system_organization => 'utf8_string' },
    [ [ '198.51.100.0/24', { autonomous_system_number => 64500,
                             autonomous_system_organization => 'Example Transit GmbH' } ],
      [ '203.0.113.0/24',  { autonomous_system_number => 64501,
                             autonomous_system_organization => 'Example Net KK' } ] ]);

write_tree("$dir/country-code.mmdb", 'ip-location-db country',
    { country_code => 'utf8_string' },
    [ [ '198.51.100.0/24', { country_code => 'de' } ] ]);
