using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Redwood.Realm.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class GameServers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "WorldData",
                table: "game_server_proxies",
                type: "jsonb",
                nullable: false,
                defaultValue: "{}");

            migrationBuilder.CreateTable(
                name: "allocation_claims",
                columns: table => new
                {
                    Key = table.Column<string>(type: "character varying(160)", maxLength: 160, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CompletedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Outcome = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_allocation_claims", x => x.Key);
                });

            migrationBuilder.CreateTable(
                name: "game_server_collections",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ProxyId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    EndedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_game_server_collections", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "game_server_containers",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Provider = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ProviderId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    Connection = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    SidecarPort = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    EndedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastReportAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ReportedState = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    InstanceId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_game_server_containers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "game_server_instances",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    CollectionId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ProxyId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ZoneName = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ShardName = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Channel = table.Column<string>(type: "character varying(130)", maxLength: 130, nullable: false),
                    ContainerId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    ProviderId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    Connection = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    LoadRequestId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    MapId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    NumPlayers = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    EndedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    EmptySince = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_game_server_instances", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "join_tokens",
                columns: table => new
                {
                    TokenHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    PlayerId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CharacterId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    InstanceId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UsedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_join_tokens", x => x.TokenHash);
                });

            migrationBuilder.CreateTable(
                name: "players",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Nickname = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Data = table.Column<string>(type: "jsonb", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_players", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "zone_data",
                columns: table => new
                {
                    ProxyId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ZoneName = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Data = table.Column<string>(type: "jsonb", nullable: false),
                    PersistentItems = table.Column<string>(type: "jsonb", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_zone_data", x => new { x.ProxyId, x.ZoneName });
                });

            migrationBuilder.CreateIndex(
                name: "IX_game_server_collections_ProxyId_EndedAt",
                table: "game_server_collections",
                columns: new[] { "ProxyId", "EndedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_game_server_containers_EndedAt",
                table: "game_server_containers",
                column: "EndedAt");

            migrationBuilder.CreateIndex(
                name: "IX_game_server_instances_CollectionId",
                table: "game_server_instances",
                column: "CollectionId");

            migrationBuilder.CreateIndex(
                name: "IX_game_server_instances_ProxyId_ZoneName_EndedAt",
                table: "game_server_instances",
                columns: new[] { "ProxyId", "ZoneName", "EndedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_join_tokens_ExpiresAt",
                table: "join_tokens",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_join_tokens_InstanceId_UsedAt_ExpiresAt",
                table: "join_tokens",
                columns: new[] { "InstanceId", "UsedAt", "ExpiresAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "allocation_claims");

            migrationBuilder.DropTable(
                name: "game_server_collections");

            migrationBuilder.DropTable(
                name: "game_server_containers");

            migrationBuilder.DropTable(
                name: "game_server_instances");

            migrationBuilder.DropTable(
                name: "join_tokens");

            migrationBuilder.DropTable(
                name: "players");

            migrationBuilder.DropTable(
                name: "zone_data");

            migrationBuilder.DropColumn(
                name: "WorldData",
                table: "game_server_proxies");
        }
    }
}
