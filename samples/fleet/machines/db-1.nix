# The database.
{ lib, ... }:
{
  networking.hostName = "db-1";
  services.postgresql.enable = true;
  nixdeploy.standin.services.db.healthy = true;
}
