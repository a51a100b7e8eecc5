# A web front end. Fault injection for tests: nixdeploy.standin.activation = "fail" | "hang",
# nixdeploy.standin.services.web.healthy = false, nixdeploy.standin.buildFails = true.
{ lib, ... }:
{
  networking.hostName = "web-2";
  services.nginx.enable = true;
  nixdeploy.standin.services.web.healthy = true;
}
