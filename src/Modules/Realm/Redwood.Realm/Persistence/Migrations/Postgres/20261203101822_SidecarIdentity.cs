using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Redwood.Realm.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SidecarIdentity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SidecarId",
                table: "game_server_containers",
                type: "character varying(128)",
                maxLength: 128,
                nullable: false,
                defaultValue: "");

            // Servers launched before this change were known to their Sidecar by the container id.
            migrationBuilder.Sql("UPDATE game_server_containers SET \"SidecarId\" = \"Id\"");

            migrationBuilder.CreateIndex(
                name: "IX_game_server_containers_SidecarId",
                table: "game_server_containers",
                column: "SidecarId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_game_server_containers_SidecarId",
                table: "game_server_containers");

            migrationBuilder.DropColumn(
                name: "SidecarId",
                table: "game_server_containers");
        }
    }
}
